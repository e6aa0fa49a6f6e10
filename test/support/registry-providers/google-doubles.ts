/**
 * Google doubles for google-auth-library:
 *
 * - OAuth2 token endpoint for service-account keys (RFC 7523 JWT bearer grant, as Google's
 *   "Using OAuth 2.0 for Server to Server Applications" describes): form `POST /token` with
 *   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an RS256 `assertion` whose
 *   claims carry `iss` (client_email), `scope`, `aud`, `iat`, `exp`; the double verifies the
 *   signature with the key's public half and answers `{access_token, expires_in, token_type}`.
 * - GCE metadata server ("About VM metadata", "Querying metadata"): every request must carry
 *   `Metadata-Flavor: Google` and every answer carries it back;
 *   `GET /computeMetadata/v1/instance/service-accounts/default/token` answers the access token.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { json, startLoopback, type Loopback } from './loopback.js';

export interface TokenDouble extends Loopback {
  readonly issued: string[];
}

export async function startGoogleTokenDouble(
  publicKey: KeyObject | string,
  clientEmail: string,
): Promise<TokenDouble> {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const issued: string[] = [];
  const server = await startLoopback((request) => {
    if (request.method !== 'POST' || request.url !== '/token')
      return json(404, { error: 'not_found' });
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return json(400, { error: 'unsupported_grant_type' });
    }
    const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
    if (header === undefined || payload === undefined || signature === undefined) {
      return json(400, { error: 'invalid_grant', error_description: 'malformed assertion' });
    }
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (!valid || claims.iss !== clientEmail) {
      return json(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    if (
      typeof claims.scope !== 'string' ||
      !claims.scope.includes('https://www.googleapis.com/auth/cloud-platform')
    ) {
      return json(400, { error: 'invalid_scope' });
    }
    const token = `ya29.sa-token-${issued.length + 1}`;
    issued.push(token);
    return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  });
  return { ...server, issued };
}

export async function startMetadataDouble(): Promise<TokenDouble> {
  const issued: string[] = [];
  const server = await startLoopback((request) => {
    const flavor = { 'metadata-flavor': 'Google' };
    if (request.headers['metadata-flavor'] !== 'Google') {
      return { status: 403, headers: flavor, body: 'Missing Metadata-Flavor:Google header.' };
    }
    const path = request.url.split('?')[0];
    if (path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/instance/') {
      return {
        status: 200,
        headers: { ...flavor, 'content-type': 'application/text' },
        body: 'attributes/\nid\n',
      };
    }
    if (path === '/computeMetadata/v1/instance/service-accounts/default/token') {
      const token = `ya29.metadata-token-${issued.length + 1}`;
      issued.push(token);
      return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' }, flavor);
    }
    return { status: 404, headers: flavor, body: 'not found' };
  });
  return { ...server, issued };
}
