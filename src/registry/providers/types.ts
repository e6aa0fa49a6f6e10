/** Shapes shared by the cloud providers. */
import type { BulkMetadataSource, CredentialProvider } from '../types.js';

/** A provider that issues credentials for the hosts it recognises, and only those. */
export interface CloudCredentialProvider extends CredentialProvider {
  readonly name: 'ecr' | 'gcp' | 'acr';
  handles(host: string): boolean;
}

export type BulkMetadata = Awaited<ReturnType<BulkMetadataSource['metadata']>>;
