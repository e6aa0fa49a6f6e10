/**
 * A small token server for distribution's token auth (spec/auth/token.md, spec/auth/jwt.md in
 * /usr/share/doc/docker-registry): ES256 JWT whose header carries the issuer certificate in
 * `x5c` (distribution 2.8 verifies it chains to `rootcertbundle`), claims iss/aud/sub/iat/nbf/
 * exp/jti/access. Basic credentials get pull+push on every repository, anonymous requests get
 * pull on repositories named in `anonymousPull` only. Counts requests and records what it saw.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TokenRequestSeen {
  readonly method: string;
  readonly scopes: readonly string[];
  readonly service: string | null;
  readonly authorization: string | undefined;
}

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certPem: string;
  readonly requests: TokenRequestSeen[];
  /** Every token handed out, so tests can check none leaks into logs or errors. */
  readonly issued: string[];
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  readonly user: string;
  readonly password: string;
  readonly anonymousPull: readonly string[];
  readonly expiresIn?: number;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tagpilot-token-'));
  await run('openssl', [
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    join(dir, 'key.pem'),
  ]);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=test-token-issuer',
  ]);
  const key: KeyObject = createPrivateKey(await readFile(join(dir, 'key.pem')));
  const certPem = await readFile(join(dir, 'cert.pem'), 'utf8');
  await rm(dir, { recursive: true, force: true });
  const der = Buffer.from(
    certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  ).toString('base64');
  const issuer = 'test-issuer';
  const service = 'test-registry';
  const requests: TokenRequestSeen[] = [];
  const issued: string[] = [];

  const handle = (request: IncomingMessage): { status: number; body: unknown } => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope');
    requests.push({
      method: request.method ?? '',
      scopes,
      service: url.searchParams.get('service'),
      authorization: request.headers.authorization,
    });
    let user: string | undefined;
    if (request.headers.authorization !== undefined) {
      const match = /^Basic (.+)$/.exec(request.headers.authorization);
      const decoded = match === null ? '' : Buffer.from(match[1] ?? '', 'base64').toString('utf8');
      if (decoded !== `${options.user}:${options.password}`)
        return { status: 401, body: { errors: [{ code: 'UNAUTHORIZED' }] } };
      user = options.user;
    }
    const access = scopes.flatMap((scope) => {
      const last = scope.lastIndexOf(':');
      const [type, ...nameParts] = scope.slice(0, last).split(':');
      const name = nameParts.join(':');
      const wanted = scope.slice(last + 1).split(',');
      const allowed =
        user !== undefined
          ? wanted
          : options.anonymousPull.includes(name)
            ? wanted.filter((a) => a === 'pull')
            : [];
      return type === 'repository' && allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [der] };
    const claims = {
      iss: issuer,
      sub: user ?? '',
      aud: url.searchParams.get('service') ?? '',
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    // JWS ES256 wants raw r||s (IEEE P1363), not DER (RFC 7518 §3.4).
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${input}.${base64url(signature)}`;
    issued.push(token);
    return {
      status: 200,
      body: {
        token,
        access_token: token,
        expires_in: options.expiresIn ?? 300,
        issued_at: new Date().toISOString(),
      },
    };
  };

  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const { status, body } = handle(request);
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPem,
    requests,
    issued,
    stop: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
