/**
 * Azure Container Registry: an Azure AD (Entra ID) access token from workload identity or a
 * managed identity, exchanged at `POST https://<registry>/oauth2/exchange`
 * (`grant_type=access_token`, `service`, `access_token`, optional `tenant`) for an ACR refresh
 * token, which the registry's token realm accepts as an identity token with the all-zero user
 * name (Azure/acr `docs/AAD-OAuth.md`, "Exchanging AAD token for ACR refresh token").
 */
import {
  AggregateAuthenticationError,
  ChainedTokenCredential,
  CredentialUnavailableError,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
  type WorkloadIdentityCredentialOptions,
} from '@azure/identity';
import { z } from 'zod';
import type { RegistryProvidersSettings } from '../../config/sections/registry-providers.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import { CredentialError } from '../credentials/errors.js';
import type { ProviderLogger } from '../credentials/logger.js';
import type { RegistryCredentials } from '../types.js';
import type { ProviderHttp } from './http.js';
import type { CloudCredentialProvider } from './types.js';

export const ACR_USERNAME = '00000000-0000-0000-0000-000000000000';
/** Renew this long before the refresh token (or the AAD token it came from) expires. */
const RENEW_BEFORE_MS = 15 * 60_000;
/** ACR refresh tokens are documented to last 3 hours when their own `exp` cannot be read. */
const DEFAULT_LIFETIME_MS = 3 * 3_600_000;

/**
 * Registry domain → the Resource Manager audience of that cloud, whose tokens the exchange
 * accepts (Azure SDK cloud configuration: public, China, US Government).
 */
const CLOUDS: readonly { readonly suffix: string; readonly scope: string }[] = [
  { suffix: '.azurecr.io', scope: 'https://management.core.windows.net//.default' },
  { suffix: '.azurecr.cn', scope: 'https://management.core.chinacloudapi.cn//.default' },
  { suffix: '.azurecr.us', scope: 'https://management.core.usgovcloudapi.net//.default' },
];
const REGISTRY_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export type AcrSettings = RegistryProvidersSettings['acr'];

/** The default scope for `host`, or undefined when it is not an ACR host. */
export function acrScopeFor(host: string): string | undefined {
  const lower = host.toLowerCase();
  for (const cloud of CLOUDS) {
    if (!lower.endsWith(cloud.suffix)) continue;
    const name = lower.slice(0, -cloud.suffix.length);
    // A registry name plus, for geo-replicated data endpoints, a region label.
    if (name.split('.').every((label) => REGISTRY_NAME.test(label))) return cloud.scope;
  }
  return undefined;
}

/** Options handed to the Azure credentials (an `httpClient` for proxies or test doubles). */
export type AzureClientOptions = Pick<WorkloadIdentityCredentialOptions, 'httpClient'>;

/**
 * Workload identity first (AKS federated token), then managed identity (IMDS, App Service).
 * WorkloadIdentityCredential throws from its constructor when its settings are absent, so it is
 * built on first use, where ChainedTokenCredential reads that error as "unavailable, try next".
 */
export function defaultAzureCredential(
  settings: AcrSettings,
  clientOptions: AzureClientOptions = {},
): TokenCredential {
  const clientId = settings.clientId === undefined ? {} : { clientId: settings.clientId };
  const tenantId = settings.tenantId === undefined ? {} : { tenantId: settings.tenantId };
  let workload: TokenCredential | undefined;
  const lazyWorkload: TokenCredential = {
    getToken: (scopes, options) =>
      (workload ??= new WorkloadIdentityCredential({
        ...clientOptions,
        ...clientId,
        ...tenantId,
      })).getToken(scopes, options),
  };
  return new ChainedTokenCredential(
    lazyWorkload,
    new ManagedIdentityCredential({ ...clientOptions, ...clientId }),
  );
}

export interface AcrDeps {
  readonly credential: TokenCredential;
  readonly logger: ProviderLogger;
  readonly http: ProviderHttp;
  readonly redactor: SecretRedactor;
  readonly now: () => number;
  readonly timeoutMs: number;
  /** Where the exchange lives for `host`; default `https://<host>/oauth2/exchange`. */
  readonly exchangeUrl?: (host: string) => string;
}

const exchangeAnswerSchema = z.looseObject({ refresh_token: z.string().min(1) });

interface Cached {
  readonly credentials: RegistryCredentials;
  readonly renewAt: number;
}

export function createAcrCredentials(
  settings: AcrSettings,
  deps: AcrDeps,
): CloudCredentialProvider {
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached | undefined>>();
  const exchangeUrl = deps.exchangeUrl ?? ((host: string) => `https://${host}/oauth2/exchange`);

  let warnedNoIdentity = false;

  /** The AAD token, or undefined when this machine has no Azure identity at all. */
  async function aadToken(host: string, scope: string) {
    try {
      const token = await deps.credential.getToken(scope);
      if (token === null) throw new Error('no token');
      deps.redactor.add(token.token);
      return token;
    } catch (error: unknown) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
      const advice =
        'configure workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE) or a managed identity with AcrPull on the registry';
      // No identity anywhere: the registry may allow anonymous pulls, so read it anonymously
      // (as without the provider) and say once how to add an identity.
      if (noIdentity(error)) {
        if (!warnedNoIdentity) {
          warnedNoIdentity = true;
          deps.logger.warn(
            { registry: host },
            `no Azure identity found; ACR registries are read anonymously. To authenticate, ${advice}`,
          );
        }
        return undefined;
      }
      throw new CredentialError(
        'REGISTRY_PROVIDER_REFUSED',
        `Azure AD token for ${host} refused: ${advice}: ${deps.redactor.redact(message.slice(0, 300))}`,
        { cause: error },
      );
    }
  }

  async function exchange(host: string, scope: string): Promise<Cached | undefined> {
    const aad = await aadToken(host, scope);
    if (aad === undefined) return undefined;
    const form = new URLSearchParams({
      grant_type: 'access_token',
      service: host,
      access_token: aad.token,
    });
    if (settings.tenantId !== undefined) form.set('tenant', settings.tenantId);
    const url = exchangeUrl(host);
    let response;
    try {
      response = await deps.http({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: deps.timeoutMs,
      });
    } catch (error: unknown) {
      throw new CredentialError(
        'REGISTRY_PROVIDER_UNAVAILABLE',
        `ACR token exchange at ${host} failed (${error instanceof Error ? error.name : 'error'}); will retry`,
        { transient: true, cause: error },
      );
    }
    if (response.status !== 200) {
      const transient = response.status === 429 || response.status >= 500;
      throw new CredentialError(
        transient ? 'REGISTRY_PROVIDER_UNAVAILABLE' : 'REGISTRY_PROVIDER_REFUSED',
        transient
          ? `ACR token exchange at ${host} answered HTTP ${response.status}; will retry`
          : `ACR token exchange at ${host} refused the Azure AD token (HTTP ${response.status}): the identity needs the AcrPull role on the registry, and the registry must allow Azure AD authentication`,
        { transient },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      json = undefined;
    }
    const parsed = exchangeAnswerSchema.safeParse(json);
    if (!parsed.success) {
      throw new CredentialError(
        'REGISTRY_PROVIDER_INVALID_RESPONSE',
        `ACR token exchange at ${host} answered without a refresh_token`,
      );
    }
    const refresh = parsed.data.refresh_token;
    deps.redactor.add(refresh);
    const expires =
      jwtExpiry(refresh) ?? Math.min(aad.expiresOnTimestamp, deps.now() + DEFAULT_LIFETIME_MS);
    return {
      credentials: { kind: 'identity-token', username: ACR_USERNAME, token: refresh },
      renewAt: expires - RENEW_BEFORE_MS,
    };
  }

  return {
    name: 'acr',
    handles: (host) => settings.enabled && acrScopeFor(host) !== undefined,
    async credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
      const defaultScope = settings.enabled ? acrScopeFor(host) : undefined;
      if (defaultScope === undefined) return undefined;
      const cached = cache.get(host);
      if (cached !== undefined && deps.now() < cached.renewAt) return cached.credentials;
      let pending = inFlight.get(host);
      if (pending === undefined) {
        pending = exchange(host, settings.scope ?? defaultScope)
          .then((fresh) => {
            if (fresh !== undefined) cache.set(host, fresh);
            return fresh;
          })
          .finally(() => inFlight.delete(host));
        inFlight.set(host, pending);
      }
      return (await pending)?.credentials;
    },
  };
}

/** True when every credential in the chain said "not available here" (none refused). */
function noIdentity(error: unknown): boolean {
  if (error instanceof CredentialUnavailableError) return true;
  if (!(error instanceof AggregateAuthenticationError)) return false;
  const errors: unknown[] = Array.isArray(error.errors) ? (error.errors as unknown[]) : [];
  return errors.length > 0 && errors.every((inner) => inner instanceof CredentialUnavailableError);
}

/** `exp` of a JWT in ms, read without verifying (we only schedule renewal with it). */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || !('exp' in claims)) return undefined;
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
