/**
 * A double of Google's OIDC token issuer for Pub/Sub push authentication: it publishes an RSA
 * signing key as a JSON Web Key Set (RFC 7517, the format of https://www.googleapis.com/oauth2/v3/certs)
 * on a loopback port, and signs RS256 ID tokens with the claims Google documents for push
 * subscriptions ("Authenticate push subscriptions": `iss` https://accounts.google.com, `aud`,
 * `email`, `email_verified`, `iat`, `exp`). The receiver fetches the keys through the same code
 * as in production; only the URL differs.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface GoogleDouble {
  readonly jwksUrl: string;
  /** Requests served for the key set. */
  readonly keyFetches: () => number;
  sign(
    claims: JWTPayload,
    options?: { expiresIn?: number; issuedAt?: number; otherKey?: boolean },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startGoogleDouble(): Promise<GoogleDouble> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    fetches += 1;
    if (request.url !== '/oauth2/v3/certs') {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    jwksUrl: `http://127.0.0.1:${port}/oauth2/v3/certs`,
    keyFetches: () => fetches,
    async sign(claims, options = {}) {
      const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1', typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresIn ?? 3600))
        .sign(options.otherKey === true ? other.privateKey : privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
