/**
 * Google Container Registry and Artifact Registry: an OAuth2 access token from application
 * default credentials (key file, workload identity, GCE metadata server) sent as Basic
 * `oauth2accesstoken:<token>` (Artifact Registry docs "Configure authentication to Artifact
 * Registry for Docker", access token method). google-auth-library caches and renews the token.
 */
import { GoogleAuth } from 'google-auth-library';
import type { RegistryProvidersSettings } from '../../config/sections/registry-providers.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import { CredentialError } from '../credentials/errors.js';
import type { ProviderLogger } from '../credentials/logger.js';
import type { RegistryCredentials } from '../types.js';
import type { CloudCredentialProvider } from './types.js';

const GCR_HOST = /^(?:[a-z0-9-]+\.)?gcr\.io$/;
const ARTIFACT_REGISTRY_HOST = /^[a-z0-9-]+-docker\.pkg\.dev$/;
/** The scope gcloud's docker credential helper requests. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const USERNAME = 'oauth2accesstoken';

export type GcpSettings = RegistryProvidersSettings['gcp'];

export function isGoogleRegistryHost(host: string): boolean {
  const lower = host.toLowerCase();
  return GCR_HOST.test(lower) || ARTIFACT_REGISTRY_HOST.test(lower);
}

/** Returns a current access token; renewing it is the source's business. */
export type GoogleTokenSource = () => Promise<string>;

/**
 * Application default credentials, or the configured key file. `fetchImplementation` reaches
 * gaxios (the library's HTTP client) so callers can add a proxy; tests use it to reach doubles.
 */
export function googleTokenSource(
  settings: GcpSettings,
  options: { fetchImplementation?: typeof fetch } = {},
): GoogleTokenSource {
  const auth = new GoogleAuth({
    scopes: [CLOUD_PLATFORM_SCOPE],
    ...(settings.keyFile === undefined ? {} : { keyFilename: settings.keyFile }),
    ...(options.fetchImplementation === undefined
      ? {}
      : {
          clientOptions: {
            transporterOptions: { fetchImplementation: options.fetchImplementation },
          },
        }),
  });
  return async () => {
    const token = await auth.getAccessToken();
    if (typeof token !== 'string' || token === '') throw new Error('empty access token');
    return token;
  };
}

export interface GcpDeps {
  readonly tokenSource: GoogleTokenSource;
  readonly redactor: SecretRedactor;
  readonly logger: ProviderLogger;
}

/** google-auth-library's words when ADC finds nothing at all (`GoogleAuth.getClient`). */
const NO_ADC = /Could not load the default credentials/;

export function createGcpCredentials(
  settings: GcpSettings,
  deps: GcpDeps,
): CloudCredentialProvider {
  let warnedNoCredentials = false;
  return {
    name: 'gcp',
    handles: (host) => settings.enabled && isGoogleRegistryHost(host),
    async credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
      if (!settings.enabled || !isGoogleRegistryHost(host)) return undefined;
      let token: string;
      try {
        token = await deps.tokenSource();
      } catch (error: unknown) {
        // No Google identity on this machine and none configured: public images (distroless,
        // many pkg.dev repositories) still read anonymously, so do not fail them.
        if (
          settings.keyFile === undefined &&
          error instanceof Error &&
          NO_ADC.test(error.message)
        ) {
          if (!warnedNoCredentials) {
            warnedNoCredentials = true;
            deps.logger.warn(
              { registry: host },
              'no Google application default credentials found; GCR and Artifact Registry are read anonymously. To authenticate, set registries.providers.gcp.keyFile or use workload identity',
            );
          }
          return undefined;
        }
        throw googleError(error, host, deps.redactor);
      }
      deps.redactor.add(token);
      deps.redactor.add(Buffer.from(`${USERNAME}:${token}`).toString('base64'));
      return { kind: 'basic', username: USERNAME, password: token };
    },
  };
}

function googleError(error: unknown, host: string, redactor: SecretRedactor): CredentialError {
  const status = statusOf(error);
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
  const why = redactor.redact(message.length > 300 ? `${message.slice(0, 300)}…` : message);
  const transient = status === undefined ? isNetwork(error) : status === 429 || status >= 500;
  return new CredentialError(
    transient ? 'REGISTRY_PROVIDER_UNAVAILABLE' : 'REGISTRY_PROVIDER_REFUSED',
    transient
      ? `Google access token for ${host} could not be fetched${status === undefined ? '' : ` (HTTP ${status})`}; will retry: ${why}`
      : `Google access token for ${host} refused: check the service account or workload identity binding (registries.providers.gcp.keyFile or application default credentials): ${why}`,
    { transient, cause: error },
  );
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response: unknown = error.response;
  if (typeof response !== 'object' || response === null || !('status' in response))
    return undefined;
  return typeof response.status === 'number' ? response.status : undefined;
}

function isNetwork(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND)$/.test(code)
  );
}
