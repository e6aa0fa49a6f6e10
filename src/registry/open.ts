/**
 * Composes the whole registry layer from the `registries` config section: the credential chain
 * (Docker config.json, helpers, ECR, GCR/Artifact Registry, ACR) and the bulk metadata sources
 * (ECR DescribeImages, Docker Hub's tags API) from `credentials/` and `providers/`, handed to
 * the OCI client as options. Callers (CLI, controller) pass in what they read from the
 * environment (PATH, proxy variables); nothing here reads process.env.
 */
import type { Config } from '../config/index.js';
import type { SecretRedactor } from '../telemetry/index.js';
import { createRegistryClient, type LoggerLike, type RegistryClient } from './client.js';
import { createCredentialChain } from './credentials/index.js';
import type { ProxySettings } from './http/no-proxy.js';
import { createBulkSources } from './providers/index.js';

export interface OpenRegistryOptions {
  readonly settings: Config['registries'];
  /** tagpilot's cache directory (`cache.dir`). */
  readonly cacheDir: string;
  readonly redactor: SecretRedactor;
  readonly logger: LoggerLike;
  /** PATH, for `docker-credential-*` helpers. */
  readonly pathValue: string | undefined;
  /** Proxy values from the environment, used where `registries.proxy` sets none. */
  readonly environmentProxy?: ProxySettings;
}

/** Merges configured proxy settings over the environment's, key by key. */
export function effectiveProxy(
  configured: ProxySettings,
  environment: ProxySettings = {},
): ProxySettings {
  return {
    httpsProxy: configured.httpsProxy ?? environment.httpsProxy,
    httpProxy: configured.httpProxy ?? environment.httpProxy,
    noProxy: configured.noProxy ?? environment.noProxy,
  };
}

export async function openRegistryClient(options: OpenRegistryOptions): Promise<RegistryClient> {
  const proxy = effectiveProxy(options.settings.proxy, options.environmentProxy);
  const settings = { ...options.settings, proxy };
  const deps = { redactor: options.redactor, logger: options.logger, pathValue: options.pathValue };
  const credentials = createCredentialChain(settings, deps);
  const bulkSources = createBulkSources(settings, { ...deps, credentials });
  return createRegistryClient({
    settings,
    cacheDir: options.settings.cache.enabled ? options.cacheDir : undefined,
    credentials,
    bulkSources,
    redactor: options.redactor,
    logger: options.logger,
    proxy,
  });
}
