/**
 * Public API of the cloud providers and bulk metadata sources. Credential providers are
 * composed by `createCredentialChain` (credentials/index.ts); bulk sources by `createBulkSources`.
 */
import { DOCKER_HUB } from '../../image/index.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import type { ProviderLogger } from '../credentials/logger.js';
import type { BulkMetadataSource, CredentialProvider } from '../types.js';
import type { CredentialSettings } from '../credentials/index.js';
import { createDockerHubBulkSource } from './dockerhub.js';
import { createEcrBulkSource, defaultEcrClientFactory, type EcrClientFactory } from './ecr.js';
import { axiosHttp, type ProviderHttp } from './http.js';

export { parseEcrHost, type EcrRegistry } from './ecr-host.js';
export {
  createEcrCredentials,
  createEcrBulkSource,
  defaultEcrClientFactory,
  DESCRIBE_IMAGES_PAGE,
  type EcrClientFactory,
} from './ecr.js';
export {
  createGcpCredentials,
  googleTokenSource,
  isGoogleRegistryHost,
  type GoogleTokenSource,
} from './gcp.js';
export { googleTagListMetadata } from './gcp-tags.js';
export {
  createAcrCredentials,
  defaultAzureCredential,
  acrScopeFor,
  ACR_USERNAME,
  type AzureClientOptions,
} from './acr.js';
export { createDockerHubBulkSource, DOCKER_HUB_API_ORIGIN } from './dockerhub.js';
export {
  axiosHttp,
  type ProviderHttp,
  type ProviderRequest,
  type ProviderResponse,
} from './http.js';
export type { CloudCredentialProvider } from './types.js';

export interface BulkSourceDeps {
  readonly redactor: SecretRedactor;
  readonly logger: ProviderLogger;
  /** The credential chain; Docker Hub's API may use the `docker.io` login (see dockerhub.ts). */
  readonly credentials?: CredentialProvider;
  /**
   * Extra hosts the `docker.io` credentials may go to; default: those listed under `docker.io`
   * in `settings.tokenRealms` (the user's configured host pairs).
   */
  readonly allowCredentialsTo?: (apiHost: string) => boolean;
  readonly now?: () => number;
  readonly http?: ProviderHttp;
  readonly ecrClientFor?: EcrClientFactory;
}

/** Bulk metadata sources in preference order; empty when `bulkMetadata` is off. */
export function createBulkSources(
  settings: CredentialSettings,
  deps: BulkSourceDeps,
): BulkMetadataSource[] {
  const providers = settings.providers;
  if (!providers.bulkMetadata) return [];
  const now = deps.now ?? Date.now;
  const out: BulkMetadataSource[] = [];
  if (providers.ecr.enabled && providers.ecr.bulkMetadata) {
    let factory = deps.ecrClientFor;
    out.push(
      createEcrBulkSource(providers.ecr, {
        clientFor: (registry) =>
          (factory ??= defaultEcrClientFactory(providers.ecr, settings.proxy))(registry),
        redactor: deps.redactor,
        now,
      }),
    );
  }
  if (providers.dockerHub.bulkMetadata) {
    const paired = settings.tokenRealms?.[DOCKER_HUB] ?? [];
    const allowCredentialsTo =
      deps.allowCredentialsTo ?? ((apiHost: string) => paired.includes(apiHost));
    out.push(
      createDockerHubBulkSource(providers.dockerHub, {
        http: deps.http ?? axiosHttp({ proxy: settings.proxy }),
        redactor: deps.redactor,
        logger: deps.logger,
        now,
        timeoutMs: providers.requestTimeout,
        ...(deps.credentials === undefined ? {} : { credentials: deps.credentials }),
        allowCredentialsTo,
      }),
    );
  }
  return out;
}
