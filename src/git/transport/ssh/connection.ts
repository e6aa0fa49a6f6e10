/**
 * One SSH connection (ssh2 `Client`) to a git host, with the host key checked against
 * known_hosts before anything else happens: ssh2 calls `hostVerifier` during key exchange, before
 * user authentication, so a refused host never sees our key, user name or any git data.
 */
import ssh2 from 'ssh2';
import type {
  Algorithms,
  ClientChannel,
  ConnectConfig,
  ParsedKey,
  PublicKeyAuthMethod,
} from 'ssh2';
import { ExecChannel } from './exec-channel.js';
import {
  SshAuthFailed,
  SshConnectionFailed,
  SshHostKeyMismatch,
  SshHostKeyUnknown,
} from './errors.js';
import {
  blobKeyType,
  checkHostKey,
  fingerprint,
  hostKeyAlgorithms,
  knownHostsName,
  knownKeyTypes,
  type KnownHosts,
} from './known-hosts.js';
import type { TagpilotError } from '../../../errors/index.js';

export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The decrypted key (parsePrivateKey), so an encrypted key's KDF runs once. */
  readonly key: ParsedKey;
  readonly knownHosts: KnownHosts;
  readonly connectTimeoutMs: number;
  readonly inactivityTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
}

export class SshConnection {
  readonly #client: ssh2.Client;
  readonly #label: string;
  readonly #inactivityMs: number;
  #closed = false;

  private constructor(client: ssh2.Client, label: string, inactivityMs: number) {
    this.#client = client;
    this.#label = label;
    this.#inactivityMs = inactivityMs;
    client.on('close', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Connects, verifies the host key and authenticates with the key. */
  static open(settings: ConnectionSettings): Promise<SshConnection> {
    const label = `ssh ${settings.username}@${knownHostsName(settings.host, settings.port)}`;
    const client = new ssh2.Client();
    let refusal: TagpilotError | undefined;
    const knownTypes = knownKeyTypes(settings.knownHosts, settings.host, settings.port);
    const hostName = knownHostsName(settings.host, settings.port);

    const hostVerifier = (blob: Buffer): boolean => {
      const verdict = checkHostKey(settings.knownHosts, settings.host, settings.port, blob);
      const seen = fingerprint(blob);
      const type = blobKeyType(blob) ?? 'unknown-type';
      switch (verdict.kind) {
        case 'trusted':
          return true;
        case 'unknown':
          refusal = new SshHostKeyUnknown(hostName, seen, type, settings.knownHosts.source);
          return false;
        case 'revoked':
          refusal = new SshHostKeyMismatch(
            hostName,
            seen,
            type,
            `which is marked @revoked in ${settings.knownHosts.source}:${verdict.line}`,
          );
          return false;
        case 'mismatch':
          refusal = new SshHostKeyMismatch(
            hostName,
            seen,
            type,
            `but ${settings.knownHosts.source} lists a different key (${verdict.knownTypes.join(', ')}) ` +
              `on line ${verdict.lines.join(', ')}`,
          );
          return false;
      }
    };

    const publicKeyAuth: PublicKeyAuthMethod = {
      type: 'publickey',
      username: settings.username,
      key: settings.key,
    };
    const config: ConnectConfig = {
      host: settings.host,
      port: settings.port,
      username: settings.username,
      // Public-key auth only, with the already parsed key (ssh2's `privateKey` option would parse
      // and decrypt it a second time).
      authHandler: [publicKeyAuth],
      hostVerifier,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      // Ask only for the host-key types known_hosts holds for this host (as OpenSSH orders its
      // HostKeyAlgorithms), so a host known by its ed25519 key is not refused because it offered
      // RSA first. Unknown hosts negotiate freely: the key is refused anyway, but its fingerprint
      // makes the error actionable.
      ...(knownTypes.length > 0
        ? {
            algorithms: {
              serverHostKey: hostKeyAlgorithms(knownTypes),
            } as Algorithms,
          }
        : {}),
    };

    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      // ssh2 may emit further errors after the first (a timeout, then "Connection lost before
      // handshake" as the socket closes); an unhandled one would crash the process, so the
      // listener stays for the client's whole life and only the first error counts.
      client.on('error', (error: Error & { level?: string }) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(connectError(error, refusal, label, hostName, settings, knownTypes));
      });
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        resolve(new SshConnection(client, label, settings.inactivityTimeoutMs));
      });
      client.connect(config);
    });
  }

  /** Runs `command` on an exec channel; `env` is requested first (servers may ignore it). */
  exec(command: string, env: Record<string, string> | undefined): Promise<ExecChannel> {
    return new Promise<ExecChannel>((resolve, reject) => {
      const callback = (error: Error | undefined, channel: ClientChannel): void => {
        if (error) {
          reject(
            new SshConnectionFailed(`${this.#label}: cannot run ${command}: ${error.message}`),
          );
          return;
        }
        resolve(new ExecChannel(channel, `${this.#label} ${command}`, this.#inactivityMs));
      };
      try {
        if (env === undefined) this.#client.exec(command, callback);
        else this.#client.exec(command, { env }, callback);
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        reject(new SshConnectionFailed(`${this.#label}: cannot run ${command}: ${message}`));
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.end();
  }
}

function connectError(
  error: Error & { level?: string },
  refusal: TagpilotError | undefined,
  label: string,
  hostName: string,
  settings: ConnectionSettings,
  knownTypes: readonly string[],
): TagpilotError {
  if (refusal !== undefined) return refusal;
  if (error.level === 'client-authentication') {
    return new SshAuthFailed(
      `${label}: the server refused the SSH key (not authorised for this user or repository)`,
      { cause: error },
    );
  }
  if (/no matching host key/i.test(error.message)) {
    return new SshHostKeyMismatch(
      hostName,
      'none',
      'none',
      `the server offers none of the key types ${settings.knownHosts.source} lists ` +
        `for it (${knownTypes.join(', ')})`,
    );
  }
  return new SshConnectionFailed(`${label}: ${error.message}`, { cause: error });
}
