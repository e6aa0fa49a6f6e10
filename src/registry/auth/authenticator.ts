/**
 * The registry auth dance, written once (distribution spec/auth/token.md):
 * anonymous first; on 401 read the challenge; Basic → send the host's credentials; Bearer → ask
 * the realm for a token with `service` and one `scope=` per scope (credentials only to an
 * allowed realm, see realm-policy.ts), take `token || access_token`, cache it per
 * (realm, service, scope). `insufficient_scope` → ask again for the challenge's scopes.
 * What a host asked for is remembered, so later requests authenticate up front and a scan does
 * not pay a 401 round trip per repository.
 */
import type { SecretRedactor } from '../../telemetry/index.js';
import { RegistryAuthError, RegistryProtocolError, type RegistryErrorContext } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { TokenResponseSchema } from '../schema.js';
import type { CredentialProvider, RegistryCredentials } from '../types.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { realmMayReceiveCredentials } from './realm-policy.js';
import { TokenCache, tokenKey, tokenRenewAt } from './token-cache.js';

/** Sends a token request through the same limiter and transport as everything else. */
export type TokenSend = (request: {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  context: RegistryErrorContext;
}) => Promise<HttpResponse>;

export interface Warn {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface AuthenticatorOptions {
  readonly credentials?: CredentialProvider | undefined;
  readonly redactor: SecretRedactor;
  readonly logger: Warn;
  readonly send: TokenSend;
  readonly realmPairs?: Readonly<Record<string, readonly string[]>>;
  readonly now?: () => number;
  /** OAuth2 client id sent with identity-token refreshes (token.md "oauth.md"). */
  readonly clientId?: string;
}

/** Where requests go and whose credentials they use. */
export interface AuthTarget {
  /** The endpoint URL's origin, e.g. `https://registry-1.docker.io`. */
  readonly endpoint: URL;
  /** Host the credentials are looked up for (canonical registry, or the mirror's host). */
  readonly credentialHost: string;
}

const CREDENTIALS_TTL_MS = 5 * 60_000;

type HostScheme =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'basic' }
  | { readonly kind: 'bearer'; readonly realm: string; readonly service: string | undefined };

export class Authenticator {
  readonly #schemes = new Map<string, HostScheme>();
  readonly #tokens: TokenCache;
  readonly #inflight = new Map<string, Promise<string>>();
  /**
   * Credentials per host, re-asked after CREDENTIALS_TTL_MS: providers refresh short-lived
   * passwords themselves (ECR's expire after 12 h), so the core must not pin the first answer.
   */
  readonly #credentials = new Map<
    string,
    { readonly at: number; readonly pending: Promise<RegistryCredentials | undefined> }
  >();
  readonly #warnedRealms = new Set<string>();
  /** Scopes to request instead of the plain one, learnt from `insufficient_scope` challenges. */
  readonly #scopes = new Map<string, readonly string[]>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.#tokens = new TokenCache(options.now);
  }

  /** The Authorization header to send up front, when the host's scheme is already known. */
  async header(
    target: AuthTarget,
    scope: string,
    context: RegistryErrorContext,
  ): Promise<string | undefined> {
    const scheme = this.#schemes.get(target.endpoint.host) ?? { kind: 'unknown' };
    if (scheme.kind === 'basic') return this.#basicHeader(target);
    if (scheme.kind === 'bearer') {
      const scopes = this.#scopes.get(`${target.endpoint.host} ${scope}`) ?? [scope];
      return `Bearer ${await this.#token(target, scheme, scopes, context)}`;
    }
    const credentials = await this.#credentialsFor(target.credentialHost);
    // A ready bearer token from a helper goes to the registry's own host only.
    if (credentials?.kind === 'bearer') return `Bearer ${credentials.token}`;
    return undefined;
  }

  /**
   * Reacts to a 401. Returns normally when a retry with `header()` may succeed; throws
   * RegistryAuthError when it cannot (no credentials, refused credentials, unknown scheme).
   */
  async challenged(
    target: AuthTarget,
    scope: string,
    response: HttpResponse,
    sentAuthorization: boolean,
    context: RegistryErrorContext,
  ): Promise<void> {
    const challenges = parseChallenges(response.header('www-authenticate') ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    const basic = challenges.find((challenge) => challenge.scheme === 'basic');
    const host = target.endpoint.host;
    const previous = this.#schemes.get(host) ?? { kind: 'unknown' };
    if (bearer !== undefined) {
      this.#onBearer(target, scope, bearer, previous, sentAuthorization, context);
      return;
    }
    if (basic !== undefined) {
      const credentials = await this.#credentialsFor(target.credentialHost);
      if (credentials?.kind !== 'basic')
        throw new RegistryAuthError(
          context,
          credentials === undefined
            ? `the registry asks for a user name and password and none is configured for ${target.credentialHost} (add it to the Docker config.json)`
            : `the registry asks for a user name and password, but the credentials for ${target.credentialHost} are a token`,
        );
      if (previous.kind === 'basic' && sentAuthorization)
        throw new RegistryAuthError(
          context,
          `the user name and password configured for ${target.credentialHost} were refused`,
        );
      this.#schemes.set(host, { kind: 'basic' });
      return;
    }
    throw new RegistryAuthError(
      context,
      challenges.length === 0
        ? 'the registry refused the request without saying how to authenticate (no WWW-Authenticate header)'
        : `the registry asks for an unsupported authentication scheme "${challenges[0]?.scheme ?? ''}"`,
    );
  }

  #onBearer(
    target: AuthTarget,
    scope: string,
    challenge: Challenge,
    previous: HostScheme,
    sentAuthorization: boolean,
    context: RegistryErrorContext,
  ): void {
    const realm = challenge.params.realm;
    if (realm === undefined || realm === '')
      throw new RegistryProtocolError(context, 'Bearer challenge without a realm');
    const service = challenge.params.service;
    const scheme: HostScheme = { kind: 'bearer', realm, service };
    this.#schemes.set(target.endpoint.host, scheme);
    const challengeScopes = (challenge.params.scope ?? '').split(' ').filter((s) => s !== '');
    const insufficient = challenge.params.error === 'insufficient_scope';
    if (
      sentAuthorization &&
      previous.kind === 'bearer' &&
      previous.realm === realm &&
      !insufficient
    ) {
      throw new RegistryAuthError(
        context,
        challenge.params.error === 'invalid_token'
          ? "the token from the registry's token service was rejected"
          : `the token service granted no access to this repository; check the credentials for ${target.credentialHost}`,
      );
    }
    if (insufficient && sentAuthorization) {
      // The registry says what it needs; ask for exactly that, once. A second refusal is final.
      const aliasKey = `${target.endpoint.host} ${scope}`;
      const tried = this.#scopes.get(aliasKey) ?? [scope];
      const widened = [...new Set([scope, ...challengeScopes])].sort();
      if (JSON.stringify([...tried].sort()) === JSON.stringify(widened))
        throw new RegistryAuthError(
          context,
          `the token service did not grant ${widened.join(' ')}; check the permissions of the credentials for ${target.credentialHost}`,
        );
      this.#scopes.set(aliasKey, widened);
    }
  }

  async #basicHeader(target: AuthTarget): Promise<string | undefined> {
    const credentials = await this.#credentialsFor(target.credentialHost);
    if (credentials?.kind !== 'basic') return undefined;
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  async #credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
    const now = this.options.now?.() ?? Date.now();
    const known = this.#credentials.get(host);
    let pending =
      known !== undefined && now - known.at < CREDENTIALS_TTL_MS ? known.pending : undefined;
    if (pending === undefined) {
      pending = (this.options.credentials?.credentialsFor(host) ?? Promise.resolve(undefined)).then(
        (credentials) => {
          if (credentials?.kind === 'basic') this.options.redactor.add(credentials.password);
          else if (credentials !== undefined) this.options.redactor.add(credentials.token);
          return credentials;
        },
      );
      const entry = { at: now, pending };
      this.#credentials.set(host, entry);
      // A failed lookup (provider down, helper timed out) is not remembered: the next request
      // asks again instead of failing for the rest of the TTL.
      pending.catch(() => {
        if (this.#credentials.get(host) === entry) this.#credentials.delete(host);
      });
    }
    return pending;
  }

  /** A token for `scopes`, from the cache or the realm (deduplicated while in flight). */
  async #token(
    target: AuthTarget,
    scheme: Extract<HostScheme, { kind: 'bearer' }>,
    scopes: readonly string[],
    context: RegistryErrorContext,
  ): Promise<string> {
    const key = tokenKey(scheme.realm, scheme.service, scopes);
    const cached = this.#tokens.get(key);
    if (cached !== undefined) return cached;
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#fetchToken(target, scheme, scopes, key, context).finally(() =>
        this.#inflight.delete(key),
      );
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  async #fetchToken(
    target: AuthTarget,
    scheme: Extract<HostScheme, { kind: 'bearer' }>,
    scopes: readonly string[],
    key: string,
    context: RegistryErrorContext,
  ): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(scheme.realm);
    } catch {
      throw new RegistryProtocolError(context, `the token realm "${scheme.realm}" is not a URL`);
    }
    let credentials = await this.#credentialsFor(target.credentialHost);
    const allowed = realmMayReceiveCredentials(realm, {
      endpointHost: target.endpoint.host,
      endpointProtocol: target.endpoint.protocol,
      credentialHost: target.credentialHost,
      configuredPairs: this.options.realmPairs,
    });
    if (credentials !== undefined && !allowed) {
      if (!this.#warnedRealms.has(realm.host)) {
        this.#warnedRealms.add(realm.host);
        this.options.logger.warn(
          { registry: target.endpoint.host, realm: `${realm.protocol}//${realm.host}` },
          'token realm is on another host; asking anonymously instead of sending credentials (add the pair to registries.tokenRealms if it is legitimate)',
        );
      }
      credentials = undefined;
    }
    const query = new URL(realm);
    if (scheme.service !== undefined) query.searchParams.set('service', scheme.service);
    const headers: Record<string, string> = { Accept: 'application/json' };
    let response: HttpResponse;
    if (credentials?.kind === 'identity-token') {
      // OAuth2 refresh-token grant (distribution spec/auth/oauth.md), scopes space-separated.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.token,
        client_id: this.options.clientId ?? 'tagpilot',
      });
      if (scheme.service !== undefined) form.set('service', scheme.service);
      form.set('scope', scopes.join(' '));
      response = await this.options.send({
        method: 'POST',
        url: realm,
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        context,
      });
    } else {
      for (const scope of scopes) query.searchParams.append('scope', scope);
      if (credentials?.kind === 'basic')
        headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      else if (credentials?.kind === 'bearer')
        headers.Authorization = `Bearer ${credentials.token}`;
      response = await this.options.send({ method: 'GET', url: query, headers, context });
    }
    if (response.status === 401 || response.status === 403)
      throw new RegistryAuthError(
        { ...context, status: response.status },
        `the token service at ${realm.host} refused ${credentials === undefined ? 'an anonymous request' : `the credentials for ${target.credentialHost}`}`,
      );
    if (response.status < 200 || response.status > 299)
      throw new RegistryProtocolError(
        { ...context, status: response.status },
        `token service at ${realm.host} answered HTTP ${response.status}`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new RegistryProtocolError(
        context,
        `token service at ${realm.host} answered with something that is not JSON`,
      );
    }
    const result = TokenResponseSchema.safeParse(parsed);
    if (!result.success)
      throw new RegistryProtocolError(
        context,
        `token service at ${realm.host} answered without a token`,
      );
    const token = result.data.token ?? result.data.access_token ?? '';
    this.options.redactor.add(token);
    if (result.data.refresh_token !== undefined)
      this.options.redactor.add(result.data.refresh_token);
    const now = this.options.now?.() ?? Date.now();
    this.#tokens.set(key, token, tokenRenewAt(now, result.data.expires_in, result.data.issued_at));
    return token;
  }
}
