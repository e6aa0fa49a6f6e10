/**
 * Debian's real registry (`/usr/bin/docker-registry`, distribution 2.8.2) on a loopback port,
 * in one of three modes: no auth, htpasswd Basic, or token (with token-server.ts). Its access
 * log (combined log format on its output) is the server-side count of requests the tests assert.
 * Config keys as in /usr/share/doc/docker-registry/configuration.md.gz.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';

const run = promisify(execFile);

export type RegistryMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'htpasswd'; readonly user: string; readonly password: string }
  | {
      readonly kind: 'token';
      readonly realm: string;
      readonly service: string;
      readonly issuer: string;
      readonly certPem: string;
    };

export interface AccessLine {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly userAgent: string;
}

export interface RealRegistry {
  readonly url: string;
  readonly host: string;
  readonly dir: string;
  /** Access-log lines so far (after a short settle, the log is written after the response). */
  accessLog(): Promise<AccessLine[]>;
  /** Lines from requests made by tagpilot's client (user agent `tagpilot/...`). */
  clientRequests(since?: number): Promise<AccessLine[]>;
  stop(): Promise<void>;
}

const ACCESS =
  /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d{3}) \S+ "[^"]*" "([^"]*)"/;

/** Extra top-level sections for the registry's config.yml, e.g. `notifications:`. */
export interface RealRegistryOptions {
  readonly extraConfig?: string;
}

export async function startRealRegistry(
  mode: RegistryMode,
  options: RealRegistryOptions = {},
): Promise<RealRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'tagpilot-registry-'));
  await mkdir(join(dir, 'data'));
  let auth = '';
  if (mode.kind === 'htpasswd') {
    // bcrypt only: the registry ignores other hash types (configuration.md).
    const { stdout } = await run('htpasswd', ['-Bbn', mode.user, mode.password]);
    await writeFile(join(dir, 'htpasswd'), stdout);
    auth = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (mode.kind === 'token') {
    await writeFile(join(dir, 'token.crt'), mode.certPem);
    auth = `auth:\n  token:\n    realm: ${mode.realm}\n    service: ${mode.service}\n    issuer: ${mode.issuer}\n    rootcertbundle: ${join(dir, 'token.crt')}\n`;
  }
  const port = await freePort();
  const config = `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: not-a-secret-test-only
${auth}${options.extraConfig ?? ''}`;
  await writeFile(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(
    '/usr/bin/docker-registry',
    ['serve', join(dir, 'config.yml')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, () => output);
  const accessLog = async (): Promise<AccessLine[]> => {
    await new Promise((resolve) => setTimeout(resolve, 120));
    const lines: AccessLine[] = [];
    for (const line of output.split('\n')) {
      const match = ACCESS.exec(line);
      if (match === null) continue;
      lines.push({
        method: match[1] ?? '',
        path: match[2] ?? '',
        status: Number(match[3]),
        userAgent: match[4] ?? '',
      });
    }
    return lines;
  };
  return {
    url,
    host: `127.0.0.1:${port}`,
    dir,
    accessLog,
    async clientRequests(since = 0) {
      return (await accessLog())
        .filter((line) => line.userAgent.startsWith('tagpilot/'))
        .slice(since);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(undefined);
        else child.once('exit', resolve);
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/v2/`, { headers: { 'User-Agent': 'test-probe' } });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`docker-registry did not start:\n${output()}`);
}
