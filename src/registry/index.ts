/**
 * The registry layer's public face: the TagSource contract, the OCI client factory, its typed
 * errors. Credential and cloud-provider implementations live in `credentials/` and `providers/`
 * and are passed to `createRegistryClient` as options (never imported as singletons).
 */
export type * from './types.js';
export {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
  type RegistryCoreSettings,
  type RegistryStats,
  type LoggerLike,
} from './client.js';
export {
  RegistryError,
  RegistryAuthError,
  RegistryNotFoundError,
  RegistryRateLimitedError,
  RegistryUnavailableError,
  RegistryProtocolError,
  RegistryRedirectError,
  RegistryRequestError,
  RegistryConfigError,
} from './errors.js';
export { MANIFEST_ACCEPT, MEDIA_TYPES } from './manifests.js';
export { DEFAULT_PLATFORMS } from './platform.js';
export { openRegistryClient, effectiveProxy, type OpenRegistryOptions } from './open.js';
