/**
 * The Git layer's contract (architecture brief, "Contracts"). automation/ composes messages and
 * decides what to write; git/ syncs, reads, commits by tree edit and pushes.
 */
import { TagpilotError } from '../errors/index.js';

export interface GitFile {
  readonly path: string;
  readonly oid: string;
  readonly mode: string;
  readonly bytes: Uint8Array;
}

/** A new content for one existing (or new) path; mode kept from the old entry when omitted. */
export interface FileWrite {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly mode?: string;
}

export interface CommitInfo {
  readonly oid: string;
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number };
  readonly parents: readonly string[];
}

export interface LogOptions {
  /** Stop (inclusive) at the first commit for which this returns true. */
  readonly until?: (commit: CommitInfo) => boolean;
  /** Read at most this many commits touching the path (deepening a shallow clone as needed). */
  readonly maxCommits: number;
}

export interface GitStore {
  /** Fetches the branch (cloning first time); returns the remote head oid. */
  sync(): Promise<string>;
  /** The local head oid of the working branch. */
  head(): Promise<string>;
  /** Files under `paths` (directories or files) at `commit` (default head). */
  readFiles(paths: readonly string[], commit?: string): Promise<readonly GitFile[]>;
  /** Commits that changed `path`, newest first. */
  log(path: string, options: LogOptions): Promise<readonly CommitInfo[]>;
  /** Reads one file at a commit; undefined when absent there. */
  readFileAt(path: string, commit: string): Promise<GitFile | undefined>;
  /** Writes a commit on top of head by tree edit; refuses an empty change. Returns the oid. */
  commit(writes: readonly FileWrite[], message: string): Promise<string>;
  /** Pushes head; throws PushRaced / PushRefused. */
  push(): Promise<void>;
}

/** The branch moved under us: fetch happened, re-plan on the new head (transient). */
export class PushRaced extends TagpilotError {
  constructor(
    message: string,
    readonly remoteHead: string | undefined,
  ) {
    super('GIT_PUSH_RACED', message, { transient: true });
  }
}

/** The server refused the push for a reason retrying will not fix (hook, permissions, ...). */
export class PushRefused extends TagpilotError {
  constructor(
    message: string,
    readonly ref: string,
    readonly serverMessage: string | undefined,
  ) {
    super('GIT_PUSH_REFUSED', message);
  }
}

/**
 * Signs a commit: receives the commit object's text without the `gpgsig` header and returns the
 * armored signature (OpenPGP or SSH `sshsig`) to store there, as `git commit -S` does.
 */
export interface CommitSigner {
  readonly format: 'openpgp' | 'ssh';
  sign(payload: string): Promise<string>;
}

/**
 * The HTTP client shape isomorphic-git expects (its `http` plugin). HTTPS uses isomorphic-git's
 * own node client; SSH is an adapter presenting `git-upload-pack`/`git-receive-pack` over ssh2 as
 * the smart-HTTP protocol.
 */
export interface GitHttpRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: AsyncIterableIterator<Uint8Array> | Uint8Array[] | undefined;
}

export interface GitHttpResponse {
  readonly url: string;
  readonly method?: string;
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: Record<string, string>;
  readonly body: AsyncIterableIterator<Uint8Array> | Uint8Array[];
}

export interface GitHttpClient {
  request(request: GitHttpRequest): Promise<GitHttpResponse>;
}
