/**
 * Docker Hub's tags API as a bulk metadata source: `GET /v2/namespaces/<ns>/repositories/<repo>/tags`
 * pages of up to 100 tags with `tag_last_pushed` and the tag's `digest` (Docker Hub API reference,
 * docker/docs `content/reference/api/hub/latest.yaml`, "List repository tags"). These calls are
 * not image pulls, so they spare the user's pull quota that per-tag manifest GETs would burn.
 *
 * Anonymous first. Only when the repository is hidden from anonymous callers, and only when
 * the `docker.io` credentials may go to the API host, it logs in (`POST /v2/auth/token`).
 */
import { z } from 'zod';
import type { RegistryProvidersSettings } from '../../config/sections/registry-providers.js';
import { DOCKER_HUB, type ImageRef } from '../../image/index.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import { CredentialError } from '../credentials/errors.js';
import type { ProviderLogger } from '../credentials/logger.js';
import type { BulkMetadataSource, CredentialProvider } from '../types.js';
import type { ProviderHttp, ProviderResponse } from './http.js';
import type { BulkMetadata } from './types.js';

export type DockerHubSettings = RegistryProvidersSettings['dockerHub'];

/** The one API origin Docker Hub credentials are issued for, whatever `apiUrl` says. */
export const DOCKER_HUB_API_ORIGIN = 'https://hub.docker.com';
const PAGE_SIZE = 100;
/** Hub API access tokens last 10 minutes (latest.yaml, "Create access token"); renew early. */
const HUB_TOKEN_LIFETIME_MS = 9 * 60_000;

const tagSchema = z.looseObject({
  name: z.string(),
  digest: z.string().nullish(),
  tag_last_pushed: z.string().nullish(),
  last_updated: z.string().nullish(),
});
const pageSchema = z.looseObject({
  next: z.string().nullish(),
  results: z.array(tagSchema),
});
const loginSchema = z.looseObject({ access_token: z.string().min(1) });

export interface DockerHubDeps {
  readonly http: ProviderHttp;
  /** Credentials for `docker.io` (the Docker config chain); asked only when needed. */
  readonly credentials?: CredentialProvider;
  /**
   * Extra API hosts the `docker.io` credentials may go to (the user's configured host pairs);
   * `hub.docker.com` over HTTPS is always allowed.
   */
  readonly allowCredentialsTo?: (apiHost: string) => boolean;
  readonly redactor: SecretRedactor;
  readonly logger: ProviderLogger;
  readonly now: () => number;
  readonly timeoutMs: number;
}

export function createDockerHubBulkSource(
  settings: DockerHubSettings,
  deps: DockerHubDeps,
): BulkMetadataSource {
  const api = new URL(settings.apiUrl);
  const origin = api.origin;
  const base = settings.apiUrl.replace(/\/+$/, '');
  const mayLogIn =
    settings.useCredentials &&
    deps.credentials !== undefined &&
    (origin === DOCKER_HUB_API_ORIGIN || deps.allowCredentialsTo?.(api.host) === true);
  let session: { token: string; until: number } | undefined;

  async function logIn(): Promise<string | undefined> {
    if (session !== undefined && deps.now() < session.until) return session.token;
    const found = await deps.credentials?.credentialsFor(DOCKER_HUB);
    // Identity tokens belong to the registry's token realm, not to the Hub API.
    if (found?.kind !== 'basic') return undefined;
    // Registered here too: the credentials may come from a provider that did not register them.
    deps.redactor.add(found.password);
    const response = await send('POST', `${base}/v2/auth/token`, undefined, {
      identifier: found.username,
      secret: found.password,
    });
    if (response.status !== 200) {
      throw new CredentialError(
        response.status >= 500 || response.status === 429
          ? 'REGISTRY_BULK_METADATA_FAILED'
          : 'REGISTRY_PROVIDER_REFUSED',
        `Docker Hub API login at ${api.host} answered HTTP ${response.status}; check the docker.io credentials (a personal access token needs read access)`,
        { transient: response.status >= 500 || response.status === 429 },
      );
    }
    const parsed = loginSchema.safeParse(parseJson(response.text));
    if (!parsed.success) {
      throw new CredentialError(
        'REGISTRY_PROVIDER_INVALID_RESPONSE',
        `Docker Hub API login at ${api.host} answered without an access_token`,
      );
    }
    deps.redactor.add(parsed.data.access_token);
    session = { token: parsed.data.access_token, until: deps.now() + HUB_TOKEN_LIFETIME_MS };
    return session.token;
  }

  async function send(
    method: 'GET' | 'POST',
    url: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<ProviderResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await deps.http({
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: deps.timeoutMs,
      });
    } catch (error: unknown) {
      throw new CredentialError(
        'REGISTRY_BULK_METADATA_FAILED',
        `Docker Hub API at ${api.host} unreachable (${error instanceof Error ? error.name : 'error'}); will retry`,
        { transient: true, cause: error },
      );
    }
  }

  async function readAll(
    repository: string,
    token: string | undefined,
  ): Promise<BulkMetadata | 'hidden'> {
    const [namespace, name] = repository.split('/');
    const out = new Map<string, { digest?: string; pushed?: number }>();
    let url: string | undefined =
      `${base}/v2/namespaces/${encodeURIComponent(namespace ?? '')}/repositories/${encodeURIComponent(name ?? '')}/tags?page_size=${PAGE_SIZE}`;
    for (let page = 0; url !== undefined && page < settings.maxPages; page += 1) {
      const response = await send('GET', url, token);
      if (response.status === 401 || response.status === 403 || response.status === 404)
        return 'hidden';
      if (response.status === 429) throw rateLimited(response, repository);
      if (response.status !== 200) {
        throw new CredentialError(
          'REGISTRY_BULK_METADATA_FAILED',
          `Docker Hub API tags of ${repository} answered HTTP ${response.status}${response.status >= 500 ? '; will retry' : ''}`,
          { transient: response.status >= 500 },
        );
      }
      const parsed = pageSchema.safeParse(parseJson(response.text));
      if (!parsed.success) {
        throw new CredentialError(
          'REGISTRY_PROVIDER_INVALID_RESPONSE',
          `Docker Hub API tags of ${repository}: page ${page + 1} is not a tag list`,
        );
      }
      for (const tag of parsed.data.results) {
        const entry: { digest?: string; pushed?: number } = {};
        if (typeof tag.digest === 'string' && tag.digest !== '') entry.digest = tag.digest;
        const pushed = Date.parse(tag.tag_last_pushed ?? tag.last_updated ?? '');
        if (!Number.isNaN(pushed)) entry.pushed = pushed;
        if (!out.has(tag.name)) out.set(tag.name, entry);
      }
      url = nextPage(parsed.data.next, url, repository);
    }
    return out;
  }

  function nextPage(
    next: string | null | undefined,
    current: string,
    repository: string,
  ): string | undefined {
    if (next === undefined || next === null || next === '') return undefined;
    const resolved = new URL(next, current);
    // A `next` link to another origin would carry our bearer token away: stop there instead.
    if (resolved.origin !== origin) {
      deps.logger.warn(
        { repository, next: resolved.origin },
        'Docker Hub API next page on another origin; stopped paging',
      );
      return undefined;
    }
    return resolved.toString();
  }

  function rateLimited(response: ProviderResponse, repository: string): CredentialError {
    // Hub API limiter: `X-Retry-After` is a unix time (latest.yaml, "Rate limiting").
    const at = Number(response.header('x-retry-after'));
    const when = Number.isFinite(at) && at > 0 ? ` until ${new Date(at * 1000).toISOString()}` : '';
    return new CredentialError(
      'REGISTRY_BULK_METADATA_FAILED',
      `Docker Hub API rate limit reached reading tags of ${repository}${when}; will retry`,
      {
        transient: true,
      },
    );
  }

  return {
    handles: (host) => settings.bulkMetadata && host === DOCKER_HUB,
    async metadata(image: ImageRef): Promise<BulkMetadata> {
      // Docker Hub repositories are exactly `namespace/name`.
      if (image.registry !== DOCKER_HUB || image.repository.split('/').length !== 2)
        return new Map();
      const token = session !== undefined && deps.now() < session.until ? session.token : undefined;
      const first = await readAll(image.repository, token);
      if (first !== 'hidden') return first;
      const fresh = token === undefined && mayLogIn ? await logIn() : undefined;
      const second = fresh === undefined ? 'hidden' : await readAll(image.repository, fresh);
      if (second !== 'hidden') return second;
      // Not an error: the registry may still serve the repository; the caller falls back to
      // per-tag metadata within its budget.
      deps.logger.debug(
        { repository: image.repository },
        'Docker Hub API does not show this repository',
      );
      return new Map();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
