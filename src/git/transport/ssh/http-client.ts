/**
 * isomorphic-git has no SSH transport (isomorphic-git issue #231), so this presents git over SSH
 * as the smart-HTTP protocol its `http` plugin speaks (gitprotocol-http):
 *
 * - `GET <url>/info/refs?service=S` runs `S '<path>'` on an exec channel, reads the ref
 *   advertisement up to its flush-pkt and answers it framed as HTTP does: a `# service=S` pkt-line
 *   and a flush-pkt first.
 * - `POST <url>/S` writes the request body to the same process (its advertisement was consumed
 *   by the GET) and streams the process's stdout back as the response body.
 *
 * isomorphic-git sends HTTP requests stateless-RPC style (all wants, haves and `done` in one
 * body), which a stateful upload-pack answers identically. When it asks for protocol v2
 * (`Git-Protocol: version=2`, only for ref listing) the value is passed as `GIT_PROTOCOL`, the
 * variable git's own ssh transport sets (servers must `AcceptEnv GIT_PROTOCOL`; those that do not
 * simply answer v0, which isomorphic-git also reads).
 *
 * One client is bound to one remote and one SSH connection, reused for every request of an
 * operation, closed by `close()` or after `idleCloseMs` without requests.
 */
import type { GitHttpClient, GitHttpRequest, GitHttpResponse } from '../../types.js';
import { SshConnection } from './connection.js';
import type { ExecChannel } from './exec-channel.js';
import { GitUrlInvalid, SshConnectionFailed, SshKeyInvalid } from './errors.js';
import { parseKnownHosts } from './known-hosts.js';
import { parsePrivateKey, secretFromFile } from './keys.js';
import {
  parseSshUrl,
  pseudoHttpUrl,
  remoteCommand,
  type GitService,
  type SshRemote,
} from './url.js';

export interface SshTransportOptions {
  /** The remote: `ssh://[user@]host[:port]/path` or scp-like `[user@]host:path`. */
  readonly url: string;
  /** OpenSSH private key file (ed25519, ECDSA or RSA). */
  readonly keyFile: string;
  /** File holding the key's passphrase, when it is encrypted. */
  readonly passphraseFile?: string | undefined;
  /** known_hosts file the server's host key must be listed in. */
  readonly knownHostsFile: string;
  /** Port when the URL names none (scp-like URLs cannot); default 22. */
  readonly port?: number | undefined;
  /** User name when the URL has none (OpenSSH would use the local user; git hosts use `git`). */
  readonly username?: string | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /** A read that sees no data for this long fails (transient). */
  readonly inactivityTimeoutMs?: number | undefined;
  readonly keepaliveIntervalMs?: number | undefined;
  /** Close the connection after this long without requests. */
  readonly idleCloseMs?: number | undefined;
  /** Forward isomorphic-git's `Git-Protocol` header as `GIT_PROTOCOL` (default true). */
  readonly forwardProtocolVersion?: boolean | undefined;
}

export interface SshTransportDeps {
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Called with the passphrase once read, so the caller can register it for log redaction. */
  readonly onSecret?: ((secret: string) => void) | undefined;
}

/** Bodies are always async iterators, so the client is also an isomorphic-git `HttpClient`. */
export interface SshHttpResponse extends GitHttpResponse {
  readonly body: AsyncIterableIterator<Uint8Array>;
}

export interface SshHttpClient extends GitHttpClient {
  request(request: GitHttpRequest): Promise<SshHttpResponse>;
  /** The pseudo https URL to give isomorphic-git as `url` for this remote. */
  readonly url: string;
  readonly remote: SshRemote;
  /** Ends unused exchanges and the SSH connection. Safe to call more than once. */
  close(): void;
}

const DEFAULTS = {
  connectTimeoutMs: 20_000,
  inactivityTimeoutMs: 120_000,
  keepaliveIntervalMs: 15_000,
  idleCloseMs: 30_000,
};
const SERVICES: readonly GitService[] = ['git-upload-pack', 'git-receive-pack'];
// Values git itself sends ("version=2", colon-separated extras); anything else is not forwarded.
const PROTOCOL_VALUE = /^[A-Za-z0-9=:._-]{1,64}$/;

export function createSshHttpClient(
  options: SshTransportOptions,
  deps: SshTransportDeps,
): SshHttpClient {
  return new SshGitHttpClient(options, deps);
}

class SshGitHttpClient implements SshHttpClient {
  readonly url: string;
  readonly remote: SshRemote;
  readonly #options: SshTransportOptions;
  readonly #deps: SshTransportDeps;
  #connection: Promise<SshConnection> | undefined;
  readonly #pending = new Map<GitService, ExecChannel>();
  #streaming = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: SshTransportOptions, deps: SshTransportDeps) {
    this.remote = parseSshUrl(options.url);
    this.url = pseudoHttpUrl(this.remote);
    this.#options = options;
    this.#deps = deps;
  }

  async request(request: GitHttpRequest): Promise<SshHttpResponse> {
    this.#clearIdle();
    try {
      const { service, kind } = this.#route(request);
      const protocol = this.#protocolEnv(request.headers);
      if (kind === 'discover') return await this.#discover(request, service, protocol);
      return await this.#post(request, service, protocol);
    } finally {
      this.#armIdle();
    }
  }

  #route(request: GitHttpRequest): { service: GitService; kind: 'discover' | 'rpc' } {
    const method = (request.method ?? 'GET').toUpperCase();
    if (request.url.startsWith(this.url)) {
      const rest = request.url.slice(this.url.length);
      for (const service of SERVICES) {
        if (method === 'GET' && rest === `/info/refs?service=${service}`)
          return { service, kind: 'discover' };
        if (method === 'POST' && rest === `/${service}`) return { service, kind: 'rpc' };
      }
    }
    // Never route a request for another URL over this remote's SSH connection.
    throw new GitUrlInvalid(
      `the SSH transport for ${this.remote.url} cannot serve ${method} ${request.url}`,
    );
  }

  #protocolEnv(headers: Record<string, string> | undefined): Record<string, string> | undefined {
    if (this.#options.forwardProtocolVersion === false || headers === undefined) return undefined;
    const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'git-protocol');
    if (entry === undefined || !PROTOCOL_VALUE.test(entry[1])) return undefined;
    return { GIT_PROTOCOL: entry[1] };
  }

  async #discover(
    request: GitHttpRequest,
    service: GitService,
    env: Record<string, string> | undefined,
  ): Promise<SshHttpResponse> {
    this.#pending.get(service)?.dispose();
    this.#pending.delete(service);
    const channel = await this.#open(service, env);
    const advertisement = await channel.readAdvertisement();
    this.#pending.set(service, channel);
    const announce = `# service=${service}\n`;
    const head = Buffer.from(
      `${(announce.length + 4).toString(16).padStart(4, '0')}${announce}0000`,
      'latin1',
    );
    return {
      url: request.url,
      method: 'GET',
      statusCode: 200,
      statusMessage: 'OK',
      headers: { 'content-type': `application/x-${service}-advertisement` },
      body: fromChunks([head, advertisement]),
    };
  }

  async #post(
    request: GitHttpRequest,
    service: GitService,
    env: Record<string, string> | undefined,
  ): Promise<SshHttpResponse> {
    let channel = this.#pending.get(service);
    this.#pending.delete(service);
    if (channel === undefined) {
      // No GET came first (or it was consumed): a fresh process advertises again; skip it, as a
      // stateless-RPC server would not send it.
      channel = await this.#open(service, env);
      await channel.readAdvertisement();
    }
    let writeError: Error | undefined;
    const writing = channel.writeBody(request.body).catch((error: unknown) => {
      writeError =
        error instanceof Error
          ? error
          : new SshConnectionFailed(`sending the request to ${this.remote.url} failed`, {
              cause: error,
            });
    });
    return {
      url: request.url,
      method: 'POST',
      statusCode: 200,
      statusMessage: 'OK',
      headers: { 'content-type': `application/x-${service}-result` },
      body: this.#stream(channel, writing, () => writeError),
    };
  }

  async *#stream(
    channel: ExecChannel,
    writing: Promise<void>,
    writeError: () => Error | undefined,
  ): AsyncGenerator<Uint8Array> {
    this.#streaming += 1;
    this.#clearIdle();
    try {
      yield* channel.output();
      await writing;
      const error = writeError();
      if (error !== undefined) throw error;
    } finally {
      this.#streaming -= 1;
      this.#armIdle();
    }
  }

  async #open(service: GitService, env: Record<string, string> | undefined): Promise<ExecChannel> {
    const connection = await this.#connect();
    return connection.exec(remoteCommand(service, this.remote.path), env);
  }

  #connect(): Promise<SshConnection> {
    const current = this.#connection;
    if (current !== undefined) {
      return current.then((connection) => (connection.closed ? this.#reconnect() : connection));
    }
    return this.#reconnect();
  }

  #reconnect(): Promise<SshConnection> {
    const attempt = this.#openConnection();
    this.#connection = attempt;
    // A failed attempt is not cached: the next request tries again.
    attempt.catch(() => {
      if (this.#connection === attempt) this.#connection = undefined;
    });
    return attempt;
  }

  async #openConnection(): Promise<SshConnection> {
    const options = this.#options;
    const username = this.remote.user ?? options.username;
    if (username === undefined || username === '') {
      throw new GitUrlInvalid(`${this.remote.url} names no SSH user; write it as user@host`);
    }
    const [keyBytes, passphrase, knownHostsBytes] = await Promise.all([
      this.#read(options.keyFile, 'SSH private key'),
      options.passphraseFile === undefined
        ? Promise.resolve(undefined)
        : this.#read(options.passphraseFile, 'SSH key passphrase').then(secretFromFile),
      this.#read(options.knownHostsFile, 'SSH known_hosts'),
    ]);
    if (passphrase !== undefined) this.#deps.onSecret?.(passphrase);
    const key = parsePrivateKey(keyBytes, passphrase, options.keyFile);
    const knownHosts = parseKnownHosts(
      Buffer.from(knownHostsBytes).toString('utf8'),
      options.knownHostsFile,
    );
    return SshConnection.open({
      host: this.remote.host,
      port: this.remote.port ?? options.port ?? 22,
      username,
      key,
      knownHosts,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      inactivityTimeoutMs: options.inactivityTimeoutMs ?? DEFAULTS.inactivityTimeoutMs,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
    });
  }

  async #read(path: string, what: string): Promise<Uint8Array> {
    try {
      return await this.#deps.readFile(path);
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SshKeyInvalid(`cannot read the ${what} file ${path}: ${reason}`, { cause: error });
    }
  }

  #clearIdle(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #armIdle(): void {
    this.#clearIdle();
    if (this.#streaming > 0 || this.#connection === undefined) return;
    this.#idleTimer = setTimeout(() => {
      this.close();
    }, this.#options.idleCloseMs ?? DEFAULTS.idleCloseMs);
    this.#idleTimer.unref();
  }

  close(): void {
    this.#clearIdle();
    for (const channel of this.#pending.values()) channel.dispose();
    this.#pending.clear();
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.then(
      (open) => {
        open.close();
      },
      () => undefined,
    );
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async generator over buffers in hand
async function* fromChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}
