/**
 * A real smart-HTTP Git server for tests: Node's `http` on 127.0.0.1 (port 0) running
 * `git http-backend` as a CGI program per request (RFC 3875 meta-variables; `man
 * git-http-backend`). Optional Basic auth: a user with `canPush` is passed as REMOTE_USER, which
 * http-backend requires to enable receive-pack when `http.receivepack` is unset; a read-only user
 * is authenticated but passed anonymously, so http-backend itself answers 403 on receive-pack
 * (as hosting services do for a read-only token). Every request is recorded.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitHttpUser {
  readonly password: string;
  readonly canPush: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly authorization: string | undefined;
  readonly body: Buffer;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/<repo>` */
  url(repo: string): string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** Objects in the pack of a receive-pack request body (the PACK header's count), or 0. */
export function packObjectCount(body: Buffer): number {
  const at = body.indexOf('PACK');
  return at < 0 ? 0 : body.readUInt32BE(at + 8);
}

export async function startGitHttpServer(options: {
  root: string;
  users?: Readonly<Record<string, GitHttpUser>>;
}): Promise<GitHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record = (status: number): void => {
        requests.push({
          method: req.method ?? 'GET',
          url: req.url ?? '',
          status,
          authorization: req.headers.authorization,
          body,
        });
      };
      let remoteUser: string | undefined;
      if (options.users !== undefined) {
        const user = authenticate(req.headers.authorization, options.users);
        if (user === undefined) {
          record(401);
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('auth required\n');
          return;
        }
        if (user.canPush) remoteUser = user.name;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(body.length),
        REMOTE_ADDR: '127.0.0.1',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: options.root,
        ...(remoteUser === undefined ? {} : { REMOTE_USER: remoteUser }),
        ...(typeof req.headers['git-protocol'] === 'string'
          ? { GIT_PROTOCOL: req.headers['git-protocol'] }
          : {}),
      };
      const child = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.resume();
      child.stdin.on('error', () => undefined);
      child.stdin.end(body);
      child.on('close', () => {
        const all = Buffer.concat(out);
        let split = all.indexOf('\r\n\r\n');
        let sep = 4;
        if (split < 0) {
          split = all.indexOf('\n\n');
          sep = 2;
        }
        const head = all.subarray(0, Math.max(split, 0)).toString('latin1');
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head.split(/\r?\n/)) {
          const colon = line.indexOf(':');
          if (colon < 0) continue;
          const name = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else headers[name] = value;
        }
        record(status);
        res.writeHead(status, headers).end(split < 0 ? all : all.subarray(split + sep));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function authenticate(
  header: string | undefined,
  users: Readonly<Record<string, GitHttpUser>>,
): (GitHttpUser & { name: string }) | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = decoded.slice(0, colon);
  const user = users[name];
  if (colon < 0 || user?.password !== decoded.slice(colon + 1)) return undefined;
  return { ...user, name };
}
