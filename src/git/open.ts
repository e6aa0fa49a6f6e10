/**
 * Builds a GitStore from settings: picks the transport from the URL (HTTPS with token
 * conventions, or SSH for `ssh://` and scp-like `git@host:org/repo.git`), places the bare gitdir
 * under the cache directory, and takes the per-process lock on it.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { SecretRedactor } from '../telemetry/index.js';
import { basicAuthorization, displayUrl, httpsCredentials, parseTokenFile } from './auth.js';
import { GitConfigError } from './errors.js';
import { acquireLock } from './lock.js';
import { IsoGitStore } from './store.js';
import { createHttpsClient } from './transport/https.js';
import { createSigner, type SigningSettings } from './signing/index.js';
import { createSshHttpClient, parseGitUrl } from './transport/ssh/index.js';
import type { CommitSigner, GitHttpClient, GitStore } from './types.js';

export interface OpenGitStoreOptions {
  readonly url: string;
  readonly branch: string;
  readonly pushBranch?: string | undefined;
  /** The cache directory; the gitdir is `<cacheDir>/git/<hash of url>`. */
  readonly cacheDir: string;
  readonly depth?: number | undefined;
  readonly lockTimeoutMs?: number | undefined;
  /**
   * The caller owns the working copy by other means (it holds the repository's Lease, or runs
   * with `controller.coordination: none` and its own cache directory): a lock left by another
   * process — a restarted container is pid 1 again — is taken over (src/git/lock.ts).
   */
  readonly takeOverForeignLock?: boolean | undefined;
  readonly logScanLimit?: number | undefined;
  readonly deepenStep?: number | undefined;
  readonly author: { readonly name: string; readonly email: string };
  /** Defaults to the author. */
  readonly committer?: { readonly name: string; readonly email: string } | undefined;
  /** HTTPS: token (or password) file and user name. */
  readonly tokenFile?: string | undefined;
  readonly username?: string | undefined;
  /** SSH: key, its passphrase file, known_hosts. */
  readonly sshKeyFile?: string | undefined;
  readonly sshKeyPassphraseFile?: string | undefined;
  readonly sshKnownHostsFile?: string | undefined;
  /** Every secret read here is registered with it before any request is made. */
  readonly redactor: SecretRedactor;
  /** Signs commits with this key (`git.signing`); ignored when `signer` is given. */
  readonly signing?: SigningSettings | undefined;
  readonly signer?: CommitSigner | undefined;
  /** Replaces the transport (tests, proxies). */
  readonly http?: GitHttpClient | undefined;
  /** The process-wide isomorphic-git cache; pass one object to every store. */
  readonly cache?: object | undefined;
  readonly now?: (() => number) | undefined;
  readonly readFile?: ((file: string) => Promise<Uint8Array>) | undefined;
}

/** A store holding the gitdir lock until `close()`. */
export interface OpenedGitStore extends GitStore {
  readonly gitdir: string;
  close(): Promise<void>;
}

/** `<cacheDir>/git/<first 16 hex of sha256(url)>`. */
export function gitdirFor(cacheDir: string, url: string): string {
  const hash = createHash('sha256').update(url.trim()).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'git', hash);
}

async function readSecretFile(
  read: (file: string) => Promise<Uint8Array>,
  file: string,
  what: string,
): Promise<string> {
  try {
    return parseTokenFile(new TextDecoder().decode(await read(file)), file);
  } catch (error: unknown) {
    if (error instanceof GitConfigError) throw error;
    throw new GitConfigError(`cannot read the ${what} file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

interface Transport {
  readonly http: GitHttpClient;
  readonly url: string;
  readonly remoteName: string;
  readonly hasCredentials: boolean;
  readonly close: () => void;
}

async function transportFor(options: OpenGitStoreOptions): Promise<Transport> {
  const read = options.readFile ?? ((file: string) => fsp.readFile(file));
  const parsed = parseGitUrl(options.url);
  if (parsed.transport === 'ssh') {
    if (options.http !== undefined) {
      return {
        http: options.http,
        url: parsed.httpUrl,
        remoteName: parsed.remote.host,
        hasCredentials: true,
        close: () => {
          /* nothing to close */
        },
      };
    }
    if (options.sshKeyFile === undefined || options.sshKnownHostsFile === undefined) {
      throw new GitConfigError(
        `${displayUrl(options.url)} is an SSH URL: set git.sshKeyFile and git.sshKnownHostsFile`,
      );
    }
    const client = createSshHttpClient(
      {
        url: options.url,
        keyFile: options.sshKeyFile,
        passphraseFile: options.sshKeyPassphraseFile,
        knownHostsFile: options.sshKnownHostsFile,
      },
      {
        readFile: read,
        onSecret: (secret) => {
          options.redactor.add(secret);
        },
      },
    );
    return {
      http: client,
      url: client.url,
      remoteName: parsed.remote.host,
      hasCredentials: true,
      close: () => {
        client.close();
      },
    };
  }
  const url = parsed.url;
  const parsedUrl = new URL(url);
  if (parsedUrl.username !== '' || parsedUrl.password !== '') {
    throw new GitConfigError(
      `${displayUrl(url)}: put credentials in git.tokenFile, never in the repository URL`,
    );
  }
  const remoteName = parsedUrl.host;
  let authorization: string | undefined;
  if (options.tokenFile !== undefined) {
    const token = await readSecretFile(read, options.tokenFile, 'Git token');
    options.redactor.add(token);
    const credentials = httpsCredentials(url, token, options.username);
    options.redactor.add(`${credentials.username}:${credentials.password}`);
    authorization = basicAuthorization(credentials);
  }
  return {
    http: options.http ?? createHttpsClient({ url, authorization }),
    url: url.replace(/\/+$/, ''),
    remoteName,
    hasCredentials: authorization !== undefined,
    close: () => {
      /* nothing to close */
    },
  };
}

/** Opens (locks) the working copy for `url`; sync() clones it on first use. */
export async function openGitStore(options: OpenGitStoreOptions): Promise<OpenedGitStore> {
  const read = options.readFile ?? ((file: string) => fsp.readFile(file));
  // Keys are read (and passphrases registered for redaction) before anything touches the network.
  const signer =
    options.signer ??
    (options.signing === undefined
      ? undefined
      : await createSigner(options.signing, {
          readFile: read,
          onSecret: (secret) => {
            options.redactor.add(secret);
          },
        }));
  const transport = await transportFor(options);
  const gitdir = gitdirFor(options.cacheDir, options.url);
  await fsp.mkdir(path.dirname(gitdir), { recursive: true });
  const lock = await acquireLock(`${gitdir}.lock`, {
    timeoutMs: options.lockTimeoutMs ?? 0,
    takeOverForeign: options.takeOverForeignLock === true,
  });
  const store = new IsoGitStore({
    url: transport.url,
    remoteName: transport.remoteName,
    branch: options.branch,
    pushBranch: options.pushBranch,
    gitdir,
    depth: options.depth ?? 1,
    http: transport.http,
    hasCredentials: transport.hasCredentials,
    signer,
    author: options.author,
    committer: options.committer,
    now: options.now,
    cache: options.cache,
    logScanLimit: options.logScanLimit,
    deepenStep: options.deepenStep,
  });
  let closed = false;
  return {
    gitdir,
    sync: () => store.sync(),
    head: () => store.head(),
    readFiles: (paths, commit) => store.readFiles(paths, commit),
    log: (file, logOptions) => store.log(file, logOptions),
    readFileAt: (file, commit) => store.readFileAt(file, commit),
    commit: (writes, message) => store.commit(writes, message),
    push: () => store.push(),
    close: async () => {
      if (closed) return;
      closed = true;
      transport.close();
      await lock.release();
    },
  };
}

/** The Git settings of the configuration (`git.*`), as `openGitStoreFromConfig` reads them. */
export interface GitSettings {
  readonly author: { readonly name: string; readonly email: string };
  readonly tokenFile?: string | undefined;
  readonly username?: string | undefined;
  readonly sshKeyFile?: string | undefined;
  readonly sshKnownHostsFile?: string | undefined;
  readonly sshKeyPassphraseFile?: string | undefined;
  readonly depth: number;
  readonly pushBranch?: string | undefined;
  readonly lockTimeout: number;
  readonly logScanLimit: number;
  readonly deepenStep: number;
  readonly signing?: SigningSettings | undefined;
}

/** Opens the store for one configured repository with the `git` section's settings. */
export function openGitStoreFromConfig(
  git: GitSettings,
  repository: {
    readonly url: string;
    readonly branch: string;
    /** A repository's own `pushBranch` wins over `git.pushBranch`. */
    readonly pushBranch?: string | undefined;
  },
  deps: {
    readonly cacheDir: string;
    readonly redactor: SecretRedactor;
    readonly cache?: object;
    /** See `OpenGitStoreOptions.takeOverForeignLock`. */
    readonly takeOverForeignLock?: boolean;
  },
): Promise<OpenedGitStore> {
  return openGitStore({
    url: repository.url,
    branch: repository.branch,
    pushBranch: repository.pushBranch ?? git.pushBranch,
    cacheDir: deps.cacheDir,
    depth: git.depth,
    lockTimeoutMs: git.lockTimeout,
    logScanLimit: git.logScanLimit,
    deepenStep: git.deepenStep,
    author: git.author,
    tokenFile: git.tokenFile,
    username: git.username,
    sshKeyFile: git.sshKeyFile,
    sshKeyPassphraseFile: git.sshKeyPassphraseFile,
    sshKnownHostsFile: git.sshKnownHostsFile,
    signing: git.signing,
    redactor: deps.redactor,
    cache: deps.cache,
    takeOverForeignLock: deps.takeOverForeignLock,
  });
}
