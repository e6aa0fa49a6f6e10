/**
 * The credential chain the registry client asks for every host: the Docker config file first
 * (what the user wrote explicitly wins), then the cloud provider that recognises the host.
 * A provider is only ever asked about hosts it recognises, so ECR's SDK is never touched for a
 * Docker Hub image (docs/decisions/0025-docker-config-precedence.md).
 */
import type { CredentialProvider, RegistryCredentials } from '../types.js';
import type { CloudCredentialProvider } from '../providers/types.js';

export function chainCredentials(
  dockerConfig: CredentialProvider | undefined,
  providers: readonly CloudCredentialProvider[],
): CredentialProvider {
  return {
    async credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
      const explicit = await dockerConfig?.credentialsFor(host);
      if (explicit !== undefined) return explicit;
      for (const provider of providers) {
        if (provider.handles(host)) return provider.credentialsFor(host);
      }
      return undefined;
    },
  };
}
