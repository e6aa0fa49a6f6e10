/**
 * Amazon ECR: registry passwords from `GetAuthorizationToken` and push times from
 * `DescribeImages`, both through `@aws-sdk/client-ecr` with the SDK's default credential chain
 * (env, SSO, profile, web identity/IRSA, ECS/EKS pod identity, EC2 instance metadata).
 * API shapes: Amazon ECR API Reference, `GetAuthorizationToken` and `DescribeImages`.
 */
import {
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  type ECRClientConfig,
} from '@aws-sdk/client-ecr';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { RegistryProvidersSettings } from '../../config/sections/registry-providers.js';
import { proxyFor, type ProxySettings } from '../http/no-proxy.js';
import type { ImageRef } from '../../image/index.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import { CredentialError } from '../credentials/errors.js';
import type { BulkMetadataSource, RegistryCredentials } from '../types.js';
import { ecrError } from './ecr-errors.js';
import { parseEcrHost, shortAccount, type EcrRegistry } from './ecr-host.js';
import type { BulkMetadata, CloudCredentialProvider } from './types.js';

/** Tokens live 12 hours (GetAuthorizationToken docs); renew well before, as kubelet does. */
const RENEW_BEFORE_MS = 30 * 60_000;
/** When the answer carries no expiry, assume the documented 12 h. */
const DEFAULT_LIFETIME_MS = 12 * 3_600_000;
/** DescribeImages `maxResults` is 1..1000; one page per thousand images. */
export const DESCRIBE_IMAGES_PAGE = 1000;

export type EcrSettings = RegistryProvidersSettings['ecr'];

/** Makes the SDK client for one registry's region; tests point it at a double by `endpoint`. */
export type EcrClientFactory = (registry: EcrRegistry) => ECRClient;

/**
 * SDK clients per region, created on first use. The proxy applies to the ECR API host (the
 * SDK does not read HTTPS_PROXY itself); web identity/STS calls of the credential chain use
 * their own clients and are not proxied by this.
 */
export function defaultEcrClientFactory(
  settings: EcrSettings,
  proxy: ProxySettings = {},
): EcrClientFactory {
  const clients = new Map<string, ECRClient>();
  return (registry) => {
    const region = settings.region ?? registry.region;
    const key = `${region}|${registry.fips}`;
    let client = clients.get(key);
    if (client === undefined) {
      const config: ECRClientConfig = {
        region,
        maxAttempts: settings.maxAttempts,
        useFipsEndpoint: registry.fips,
      };
      if (settings.endpoint !== undefined) config.endpoint = settings.endpoint;
      const api = new URL(settings.endpoint ?? `https://api.ecr.${region}.amazonaws.com`);
      const via = proxyFor(api, proxy);
      if (via !== undefined) {
        const agent = new HttpsProxyAgent(via, { keepAlive: true });
        config.requestHandler = { httpsAgent: agent, httpAgent: agent };
      }
      client = new ECRClient(config);
      clients.set(key, client);
    }
    return client;
  };
}

export interface EcrDeps {
  readonly clientFor: EcrClientFactory;
  readonly redactor: SecretRedactor;
  readonly now: () => number;
}

interface CachedToken {
  readonly credentials: RegistryCredentials;
  readonly renewAt: number;
}

export function createEcrCredentials(
  settings: EcrSettings,
  deps: EcrDeps,
): CloudCredentialProvider {
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();

  async function fetchToken(host: string, registry: EcrRegistry): Promise<CachedToken> {
    const context = {
      what: 'ECR token',
      account: shortAccount(registry.account),
      region: registry.region,
      action: 'ecr:GetAuthorizationToken',
    };
    let answer;
    try {
      answer = await deps
        .clientFor(registry)
        // No registryIds: deprecated upstream, the token works for every registry the principal
        // may read (GetAuthorizationToken API reference).
        .send(new GetAuthorizationTokenCommand({}));
    } catch (error: unknown) {
      throw ecrError(error, context, deps.redactor, false);
    }
    const data = answer.authorizationData?.[0];
    const decoded =
      data?.authorizationToken === undefined
        ? undefined
        : Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded === undefined || colon <= 0) {
      throw new CredentialError(
        'REGISTRY_PROVIDER_INVALID_RESPONSE',
        `ECR token for account ${context.account} (${registry.region}): the answer holds no "AWS:<password>" authorization token`,
      );
    }
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    deps.redactor.add(password);
    deps.redactor.add(data?.authorizationToken);
    const expiresAt = data?.expiresAt?.getTime() ?? deps.now() + DEFAULT_LIFETIME_MS;
    const token: CachedToken = {
      credentials: { kind: 'basic', username, password },
      renewAt: expiresAt - RENEW_BEFORE_MS,
    };
    cache.set(host, token);
    return token;
  }

  return {
    name: 'ecr',
    handles: (host) => settings.enabled && parseEcrHost(host) !== undefined,
    async credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
      const registry = settings.enabled ? parseEcrHost(host) : undefined;
      if (registry === undefined) return undefined;
      const cached = cache.get(host);
      if (cached !== undefined && deps.now() < cached.renewAt) return cached.credentials;
      // Concurrent scans of one registry share a single GetAuthorizationToken call.
      let pending = inFlight.get(host);
      if (pending === undefined) {
        pending = fetchToken(host, registry).finally(() => inFlight.delete(host));
        inFlight.set(host, pending);
      }
      return (await pending).credentials;
    },
  };
}

/** DescribeImages as a bulk source: every tag's digest and push time in ⌈images/1000⌉ calls. */
export function createEcrBulkSource(settings: EcrSettings, deps: EcrDeps): BulkMetadataSource {
  return {
    handles: (host) =>
      settings.enabled && settings.bulkMetadata && parseEcrHost(host) !== undefined,
    async metadata(image: ImageRef): Promise<BulkMetadata> {
      const registry = parseEcrHost(image.registry);
      const out = new Map<string, { digest?: string; pushed?: number }>();
      if (registry === undefined) return out;
      const client = deps.clientFor(registry);
      const context = {
        what: `ECR DescribeImages for ${image.repository}`,
        account: shortAccount(registry.account),
        region: registry.region,
        action: 'ecr:DescribeImages',
      };
      let nextToken: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new DescribeImagesCommand({
              registryId: registry.account,
              repositoryName: image.repository,
              maxResults: DESCRIBE_IMAGES_PAGE,
              filter: { tagStatus: 'TAGGED' },
              ...(nextToken === undefined ? {} : { nextToken }),
            }),
          );
        } catch (error: unknown) {
          throw ecrError(error, context, deps.redactor, true);
        }
        for (const detail of page.imageDetails ?? []) {
          const entry: { digest?: string; pushed?: number } = {};
          if (detail.imageDigest !== undefined) entry.digest = detail.imageDigest;
          if (detail.imagePushedAt !== undefined) entry.pushed = detail.imagePushedAt.getTime();
          for (const tag of detail.imageTags ?? []) out.set(tag, entry);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined && nextToken !== '');
      return out;
    },
  };
}
