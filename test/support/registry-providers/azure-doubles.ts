/**
 * Azure doubles:
 *
 * - Managed identity endpoint in its App Service form (Azure App Service docs "Managed
 *   identities — REST endpoint reference", api-version 2019-08-01): `GET <IDENTITY_ENDPOINT>?
 *   api-version=2019-08-01&resource=<audience>[&client_id=]` with header
 *   `X-IDENTITY-HEADER: <IDENTITY_HEADER>`; answers `{access_token, expires_on, resource,
 *   token_type, client_id}` (`expires_on` in epoch seconds).
 * - Microsoft Entra token endpoint for workload identity (client credentials with a federated
 *   assertion, RFC 7523 §2.2): form `POST /<tenant>/oauth2/v2.0/token` with
 *   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
 * - ACR's token exchange (Azure/acr `docs/AAD-OAuth.md`): form `POST /oauth2/exchange` with
 *   `grant_type=access_token`, `service`, `access_token`; answers `{refresh_token}`, a JWT.
 */
import { json, startLoopback, type Loopback } from './loopback.js';

export interface AadDouble extends Loopback {
  /** Access tokens issued, in order. */
  readonly issued: string[];
}

export async function startManagedIdentityDouble(identityHeader: string): Promise<AadDouble> {
  const issued: string[] = [];
  const server = await startLoopback((request) => {
    const url = new URL(request.url, 'http://double');
    if (request.method !== 'GET' || url.pathname !== '/msi/token')
      return json(404, { error: 'not_found' });
    if (request.headers['x-identity-header'] !== identityHeader)
      return json(401, { error: 'missing header' });
    if (url.searchParams.get('api-version') !== '2019-08-01')
      return json(400, { error: 'api-version' });
    const resource = url.searchParams.get('resource');
    if (resource === null) return json(400, { error: 'resource is required' });
    const token = `aad-mi-token-${issued.length + 1}`;
    issued.push(token);
    return json(200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: 'Bearer',
      client_id: url.searchParams.get('client_id') ?? 'system-assigned',
    });
  });
  return { ...server, issued };
}

/**
 * `authority` is the https origin the credential is configured with; the test's HTTP client
 * routes it here. MSAL first reads the instance discovery document
 * (`/common/discovery/instance`) and the tenant's OpenID configuration
 * (`/<tenant>/v2.0/.well-known/openid-configuration`, OpenID Connect Discovery 1.0 §4), then
 * posts to the token endpoint they name.
 */
export async function startEntraTokenDouble(
  federatedToken: string,
  authority: string,
): Promise<AadDouble> {
  const issued: string[] = [];
  const server = await startLoopback((request) => {
    const url = new URL(request.url, authority);
    if (request.method === 'GET' && url.pathname === '/common/discovery/instance') {
      const host = new URL(authority).host;
      const tenant =
        /\/([^/]+)\/oauth2\//.exec(url.searchParams.get('authorization_endpoint') ?? '')?.[1] ??
        'common';
      return json(200, {
        tenant_discovery_endpoint: `${authority}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }
    const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (request.method === 'GET' && openid !== null) {
      const tenant = openid[1] ?? '';
      return json(200, {
        token_endpoint: `${authority}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/${tenant}/oauth2/v2.0/logout`,
        issuer: `${authority}/${tenant}/v2.0`,
        jwks_uri: `${authority}/${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method !== 'POST' || !/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      return json(404, { error: 'not_found' });
    }
    const form = new URLSearchParams(request.body);
    if (
      form.get('client_assertion_type') !==
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      form.get('client_assertion') !== federatedToken
    ) {
      return json(400, {
        error: 'invalid_client',
        error_description: 'AADSTS700024: assertion rejected',
      });
    }
    const token = `aad-wi-token-${issued.length + 1}`;
    issued.push(token);
    return json(200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: token,
      scope: form.get('scope'),
    });
  });
  return { ...server, issued };
}

export interface ExchangeDouble extends Loopback {
  readonly refreshTokens: string[];
  /** Access tokens the exchange accepts. */
  readonly accepted: Set<string>;
}

export async function startAcrExchangeDouble(): Promise<ExchangeDouble> {
  const refreshTokens: string[] = [];
  const accepted = new Set<string>();
  // ACR refresh tokens live 3 hours (Azure/acr docs/AAD-OAuth.md).
  const lifetime = 3 * 3600;
  const server = await startLoopback((request) => {
    if (request.method !== 'POST' || request.url !== '/oauth2/exchange')
      return json(404, { errors: [] });
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return json(400, { errors: [] });
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'access_token' || form.get('service') === null) {
      return json(400, { errors: [{ code: 'UNSUPPORTED', message: 'grant_type' }] });
    }
    if (!accepted.has(form.get('access_token') ?? '')) {
      return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    }
    const claims = {
      iss: 'Azure Container Registry',
      aud: form.get('service'),
      exp: Math.floor(Date.now() / 1000) + lifetime,
      grant_type: 'refresh_token',
    };
    const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig${refreshTokens.length + 1}`;
    refreshTokens.push(token);
    return json(200, { refresh_token: token });
  });
  return { ...server, refreshTokens, accepted };
}
