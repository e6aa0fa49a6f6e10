/**
 * The GitStore on a bare gitdir, without index or work tree (issue 6). Sync costs one ref
 * advertisement when nothing moved; commits are tree edits; pushes send a pack of only the new
 * objects over receive-pack spoken here (docs/decisions/0040-git-minimal-push.md).
 */
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import {
  GitNothingToCommit,
  GitProtocolError,
  GitRefNotFound,
  PushRaced,
  PushRefused,
} from './errors.js';
import { readLog } from './history.js';
import {
  editTree,
  formatCommit,
  MODE_SUBMODULE,
  type ObjectStore,
  readTreeEntries,
  type Signature,
  splitPath,
  treeDiffObjects,
  withSignature,
  writeCommitText,
} from './objects.js';
import { ObjectDb } from './object-db.js';
import { PackIndexer, type PackIndexResult } from './pack-index.js';
import { concatBytes } from './pkt-line.js';
import {
  chooseCapabilities,
  isRaceReason,
  parseReceivePackReply,
  receivePackRequest,
  ZERO_OID,
} from './receive-pack.js';
import { httpStatusError, remoteError, type RemoteAction } from './remote-errors.js';
import { canFetchDirectly, fetchPack } from './upload-pack.js';
import type {
  CommitInfo,
  CommitSigner,
  FileWrite,
  GitFile,
  GitHttpClient,
  GitStore,
  LogOptions,
} from './types.js';

export interface IsoGitStoreOptions {
  /** The URL isomorphic-git is given (for SSH: the adapter's URL). Carries no credentials. */
  readonly url: string;
  /** How the remote is named in messages (host and path, no credentials). */
  readonly remoteName: string;
  /** The branch synced and committed on. */
  readonly branch: string;
  /** Push to this bot branch (force with lease) instead of `branch`. */
  readonly pushBranch?: string | undefined;
  /** A bare gitdir, created on first sync. */
  readonly gitdir: string;
  /** First clone depth; 0 = full history. */
  readonly depth: number;
  readonly http: GitHttpClient;
  readonly hasCredentials: boolean;
  readonly signer?: CommitSigner | undefined;
  readonly author: { readonly name: string; readonly email: string };
  readonly committer?: { readonly name: string; readonly email: string } | undefined;
  /** Epoch milliseconds; injected for tests. */
  readonly now?: () => number;
  /** Shared isomorphic-git cache (pack indexes); one per process. */
  readonly cache?: object;
  /** Commits `log` examines at most (and deepens by, in steps of `deepenStep`). */
  readonly logScanLimit?: number;
  readonly deepenStep?: number;
  readonly agent?: string;
}

/** Where the last sync put us: the remote head our local branch is built on. */
const BASE_REF = 'refs/tagpilot/base';
// Our local commits on top of the base: tagpilot makes one per cycle, a few if pushes failed.
const MAX_UNPUSHED = 100;

export class IsoGitStore implements GitStore {
  readonly #o: IsoGitStoreOptions;
  readonly #objects: ObjectStore;
  readonly #host: string;
  // isomorphic-git's HttpClient type is structurally ours; its d.ts names a different module.
  readonly #http: Parameters<typeof git.fetch>[0]['http'];

  constructor(options: IsoGitStoreOptions) {
    this.#o = options;
    this.#objects = {
      gitdir: options.gitdir,
      cache: options.cache ?? {},
      db: new ObjectDb(options.gitdir),
    };
    this.#host = options.remoteName;
    this.#http = options.http as Parameters<typeof git.fetch>[0]['http'];
  }

  get #branchRef(): string {
    return `refs/heads/${this.#o.branch}`;
  }

  async sync(): Promise<string> {
    // The advertisement's capabilities also steer the first clone (upload-pack.ts).
    const fresh = !(await this.#initialized());
    const advertised = await this.#remote('fetch', () =>
      git.getRemoteInfo2({ http: this.#http, url: this.#o.url, protocolVersion: 1 }),
    );
    const remoteHead = advertised.refs?.find((ref) => ref.ref === this.#branchRef)?.oid;
    if (remoteHead === undefined) {
      throw new GitRefNotFound(`branch ${this.#o.branch} does not exist on ${this.#host}`);
    }
    if (!fresh && (await this.#readRef(BASE_REF)) === remoteHead) {
      // Nothing moved: one ref advertisement was the whole cost. Drop unpushed local commits.
      await this.#writeRef(this.#branchRef, remoteHead);
      return remoteHead;
    }
    if (fresh && canFetchDirectly(advertised.capabilities, this.#o.depth)) {
      return this.#initialClone(remoteHead, advertised.capabilities);
    }
    return this.#fetchHead(fresh);
  }

  /**
   * First clone: one upload-pack POST for the branch head, the pack indexed natively
   * (pack-index.ts) instead of by isomorphic-git's JavaScript indexer (docs/git.md).
   */
  async #initialClone(head: string, capabilities: Record<string, string | true>): Promise<string> {
    const gitdir = this.#o.gitdir;
    try {
      // Leftovers of a clone killed half-way (no base ref yet) are discarded; we hold the lock.
      await fsp.rm(gitdir, { recursive: true, force: true });
      this.#objects.db.reset();
      await fsp.mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true, defaultBranch: this.#o.branch });
      await git.addRemote({ fs, gitdir, remote: 'origin', url: this.#o.url, force: true });
      // The pack is indexed while it downloads (pack-index.ts); only its bytes and typed
      // per-object tables are held, never the inflated objects.
      const indexer = new PackIndexer();
      let indexed: PackIndexResult;
      let shallows: readonly string[];
      try {
        ({ shallows } = await this.#remote('fetch', () =>
          fetchPack({
            http: this.#o.http,
            url: this.#o.url,
            want: head,
            depth: this.#o.depth,
            advertised: capabilities,
            agent: this.#o.agent ?? 'tagpilot/0.1',
            onPack: (bytes) => {
              indexer.push(bytes);
            },
          }),
        ));
        indexed = indexer.finish();
      } finally {
        indexer.close();
      }
      const { pack, idx, packSha } = indexed;
      const packDir = path.join(gitdir, 'objects', 'pack');
      await fsp.mkdir(packDir, { recursive: true });
      // Pack first, index last (renamed into place): an index never names a missing pack.
      await fsp.writeFile(path.join(packDir, `pack-${packSha}.pack`), pack);
      const tmp = path.join(packDir, `tmp-${packSha}.idx`);
      await fsp.writeFile(tmp, idx);
      await fsp.rename(tmp, path.join(packDir, `pack-${packSha}.idx`));
      if (shallows.length > 0) {
        await fsp.writeFile(path.join(gitdir, 'shallow'), `${shallows.join('\n')}\n`);
      }
      // The pack is already in memory: the object database takes it as it is.
      this.#objects.db.addPack(`pack-${packSha}`, pack, idx);
      // The head must now be readable from the pack we indexed.
      this.#objects.db.readCommit(head);
      await this.#writeRef(`refs/remotes/origin/${this.#o.branch}`, head);
      await this.#writeRef(this.#branchRef, head);
      await this.#writeRef(BASE_REF, head);
      return head;
    } catch (error: unknown) {
      await fsp.rm(gitdir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** Fetches the branch (a clone when fresh), resets the local branch and base onto it. */
  async #fetchHead(fresh: boolean): Promise<string> {
    const gitdir = this.#o.gitdir;
    if (fresh) {
      await fsp.rm(gitdir, { recursive: true, force: true });
      this.#objects.db.reset();
      await fsp.mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true, defaultBranch: this.#o.branch });
      await git.addRemote({ fs, gitdir, remote: 'origin', url: this.#o.url, force: true });
    }
    try {
      const result = await this.#fetchBranch(
        fresh && this.#o.depth > 0 ? { depth: this.#o.depth } : {},
      );
      const head = result.fetchHead;
      if (head === null) {
        throw new GitRefNotFound(`branch ${this.#o.branch} does not exist on ${this.#host}`);
      }
      await this.#writeRef(this.#branchRef, head);
      await this.#writeRef(BASE_REF, head);
      return head;
    } catch (error: unknown) {
      // A half-made first clone would look initialized next time: remove it (isomorphic-git#1283).
      if (fresh) await fsp.rm(gitdir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }

  async head(): Promise<string> {
    const head = await this.#readRef(this.#branchRef);
    if (head === undefined) throw new GitRefNotFound('no local head yet: call sync() first');
    return head;
  }

  async readFiles(paths: readonly string[], commit?: string): Promise<readonly GitFile[]> {
    const root = this.#rootTree(commit ?? (await this.head()));
    const found: { path: string; oid: string; mode: string }[] = [];
    const seen = new Set<string>();
    for (const wanted of paths) {
      const clean = normalizeReadPath(wanted);
      const entry =
        clean === '' ? { oid: root, mode: '040000', type: 'tree' } : this.#lookup(root, clean);
      if (entry === undefined) continue;
      if (entry.type === 'tree')
        this.#walk(entry.oid, clean === '' ? '' : `${clean}/`, found, seen);
      else if (entry.type === 'blob' && !seen.has(clean)) {
        seen.add(clean);
        found.push({ path: clean, oid: entry.oid, mode: entry.mode });
      }
    }
    // Memory lookups in the object database: no I/O per file, so no concurrency to bound.
    return found.map((item) => ({ ...item, bytes: this.#readBlob(item.oid) }));
  }

  readFileAt(filePath: string, commit: string): Promise<GitFile | undefined> {
    // Reads are memory lookups now; errors still reach the caller as a rejection.
    return Promise.resolve().then(() => this.#fileAt(filePath, commit));
  }

  #fileAt(filePath: string, commit: string): GitFile | undefined {
    const clean = normalizeReadPath(filePath);
    const entry = this.#lookup(this.#rootTree(commit), clean);
    if (entry?.type !== 'blob') return undefined;
    return {
      path: clean,
      oid: entry.oid,
      mode: entry.mode,
      bytes: this.#readBlob(entry.oid),
    };
  }

  async log(filePath: string, options: LogOptions): Promise<readonly CommitInfo[]> {
    return readLog(
      {
        objects: this.#objects,
        lookup: (root, p) => Promise.resolve(this.#lookup(root, p)),
        deepen: (step) => this.#deepen(step),
        scanLimit: this.#o.logScanLimit ?? 2000,
        deepenStep: this.#o.deepenStep ?? 50,
      },
      await this.head(),
      normalizeReadPath(filePath),
      options,
    );
  }

  async commit(writes: readonly FileWrite[], message: string): Promise<string> {
    if (writes.length === 0) throw new GitNothingToCommit('no files to write');
    const parent = await this.head();
    const parentCommit = this.#objects.db.readCommit(parent);
    const { tree } = editTree(this.#objects, parentCommit.tree, writes);
    if (tree === parentCommit.tree) {
      throw new GitNothingToCommit(
        `the writes to ${writes.map((w) => w.path).join(', ')} leave the tree unchanged; no commit made`,
      );
    }
    const timestamp = Math.floor((this.#o.now ?? Date.now)() / 1000);
    const author: Signature = { ...this.#o.author, timestamp };
    const committer: Signature = { ...(this.#o.committer ?? this.#o.author), timestamp };
    let text = formatCommit({ tree, parents: [parent], author, committer, message });
    if (this.#o.signer !== undefined) text = withSignature(text, await this.#o.signer.sign(text));
    const oid = writeCommitText(this.#objects, text);
    // The commit's new objects become one pack (the push copies its entries as they are).
    this.#objects.db.flush();
    await this.#writeRef(this.#branchRef, oid);
    return oid;
  }

  async push(): Promise<void> {
    const local = await this.head();
    const base = await this.#readRef(BASE_REF);
    if (base === undefined) throw new GitRefNotFound('nothing synced yet: call sync() first');
    if (local === base) return; // nothing of ours to push
    const target = this.#o.pushBranch ?? this.#o.branch;
    const targetRef = `refs/heads/${target}`;
    const forced = this.#o.pushBranch !== undefined;

    const info = await this.#remote(
      'push',
      () =>
        git.getRemoteInfo2({
          http: this.#http,
          url: this.#o.url,
          forPush: true,
          protocolVersion: 1,
        }),
      targetRef,
    );
    const advertised = new Map((info.refs ?? []).map((ref) => [ref.ref, ref.oid]));
    const remoteBase = advertised.get(this.#branchRef);
    if (remoteBase !== base) {
      // Cheap race detection: the branch moved since our sync, nothing was uploaded.
      throw await this.#raced(`${this.#o.branch} moved on ${this.#host} since the last sync`);
    }
    // The checkout branch only moves forward from what we saw; the bot branch is replaced
    // with a lease on what the advertisement showed (the server compares and swaps).
    const oldOid = forced ? (advertised.get(targetRef) ?? ZERO_OID) : base;
    if (oldOid === local) return;

    const pack = this.#packNewObjects(local, base);
    const capabilities = chooseCapabilities(info.capabilities, this.#o.agent ?? 'tagpilot/0.1');
    const sideBand = capabilities.includes('side-band-64k');
    const body = receivePackRequest(
      [{ ref: targetRef, oldOid, newOid: local }],
      capabilities,
      pack,
    );
    const response = await this.#remote(
      'push',
      () =>
        this.#o.http.request({
          url: `${this.#o.url.replace(/\/+$/, '')}/git-receive-pack`,
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-git-receive-pack-request',
            Accept: 'application/x-git-receive-pack-result',
            'Content-Length': String(body.length),
          },
          body: [body],
        }),
      targetRef,
    );
    const replyBytes = await collect(response.body);
    if (response.statusCode !== 200) {
      throw httpStatusError(
        response.statusCode,
        response.statusMessage,
        this.#host,
        'push',
        targetRef,
        this.#o.hasCredentials,
      );
    }
    const reply = parseReceivePackReply(replyBytes, sideBand);
    const remoteText = reply.messages.map((line) => `remote: ${line}`).join('\n');
    if (reply.fatal !== undefined) {
      throw new PushRefused(
        `${this.#host} aborted the push of ${target}: ${reply.fatal}`,
        targetRef,
        [reply.fatal, ...reply.messages].join('\n'),
      );
    }
    const status = reply.refs.find((ref) => ref.ref === targetRef);
    if (reply.unpackError !== undefined || status === undefined) {
      throw new PushRefused(
        `${this.#host} could not take the pack for ${target}: ${reply.unpackError ?? 'no status for the ref'}` +
          (remoteText === '' ? '' : `\n${remoteText}`),
        targetRef,
        reply.messages.join('\n') || undefined,
      );
    }
    if (!status.ok) {
      // A forced lease update is never refused for being non-fast-forward by a race.
      const raceReason =
        forced && /non-fast-forward/.test(status.reason ?? '')
          ? false
          : isRaceReason(status.reason, reply.messages);
      if (raceReason) {
        throw await this.#raced(`${this.#host} refused ${target}: ${status.reason ?? 'ref moved'}`);
      }
      throw new PushRefused(
        `${this.#host} refused the push to ${target}: ${status.reason ?? 'no reason given'}` +
          (remoteText === '' ? '' : `\n${remoteText}`),
        targetRef,
        reply.messages.join('\n') || undefined,
      );
    }
    if (!forced) await this.#writeRef(BASE_REF, local);
    await this.#writeRef(`refs/remotes/origin/${target}`, local);
  }

  /** Fetches the moved head (resetting onto it) and builds the PushRaced to throw. */
  async #raced(reason: string): Promise<PushRaced> {
    const head = await this.#fetchHead(false);
    return new PushRaced(
      `${reason}; fetched the new head ${head.slice(0, 12)}, re-plan on it`,
      head,
    );
  }

  /** The commits from `local` back to `base` and the objects their trees add. */
  #packNewObjects(local: string, base: string): Uint8Array {
    const db = this.#objects.db;
    const oids = new Set<string>();
    let oid = local;
    for (let count = 0; oid !== base; count++) {
      if (count >= MAX_UNPUSHED) {
        throw new GitProtocolError(`the local branch is not built on the synced head ${base}`);
      }
      const commit = db.readCommit(oid);
      oids.add(oid);
      const parent = commit.parents[0];
      const parentTree = parent === undefined ? undefined : db.readCommit(parent).tree;
      treeDiffObjects(this.#objects, commit.tree, parentTree, oids);
      if (parent === undefined) break;
      oid = parent;
    }
    return db.packObjects(oids);
  }

  async #deepen(step: number): Promise<void> {
    await this.#fetchBranch({ depth: step, relative: true });
  }

  /** Fetches the one branch, no tags, into the bare gitdir; `shape` sets depth for shallow reads. */
  #fetchBranch(shape: { depth?: number; relative?: boolean }): ReturnType<typeof git.fetch> {
    return this.#remote('fetch', () =>
      git.fetch({
        fs,
        http: this.#http,
        gitdir: this.#o.gitdir,
        cache: this.#objects.cache,
        url: this.#o.url,
        remote: 'origin',
        ref: this.#o.branch,
        singleBranch: true,
        tags: false,
        ...shape,
      }),
    );
  }

  #rootTree(commit: string): string {
    return this.#objects.db.readCommit(commit).tree;
  }

  /** The entry at `filePath` under `root`, reading only the trees on the path. */
  #lookup(root: string, filePath: string): { oid: string; mode: string; type: string } | undefined {
    let current: { oid: string; mode: string; type: string } = {
      oid: root,
      mode: '040000',
      type: 'tree',
    };
    for (const part of splitPath(filePath)) {
      if (current.type !== 'tree') return undefined;
      const entries = readTreeEntries(this.#objects, current.oid);
      const next = entries.find((entry) => entry.path === part);
      if (next === undefined) return undefined;
      current = next;
    }
    return current;
  }

  #walk(
    tree: string,
    prefix: string,
    into: { path: string; oid: string; mode: string }[],
    seen: Set<string>,
  ): void {
    for (const entry of readTreeEntries(this.#objects, tree)) {
      const full = `${prefix}${entry.path}`;
      if (entry.type === 'tree') this.#walk(entry.oid, `${full}/`, into, seen);
      else if (entry.type === 'blob' && entry.mode !== MODE_SUBMODULE && !seen.has(full)) {
        seen.add(full);
        into.push({ path: full, oid: entry.oid, mode: entry.mode });
      }
    }
  }

  #readBlob(oid: string): Uint8Array {
    const object = this.#objects.db.read(oid);
    if (object.type !== 'blob')
      throw new GitProtocolError(`${oid} is a ${object.type}, not a blob`);
    return object.data;
  }

  async #initialized(): Promise<boolean> {
    return (await this.#readRef(BASE_REF)) !== undefined;
  }

  async #readRef(ref: string): Promise<string | undefined> {
    try {
      return await git.resolveRef({ fs, gitdir: this.#o.gitdir, ref });
    } catch (error: unknown) {
      if (error instanceof git.Errors.NotFoundError) return undefined;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async #writeRef(ref: string, value: string): Promise<void> {
    await git.writeRef({ fs, gitdir: this.#o.gitdir, ref, value, force: true });
  }

  async #remote<T>(action: RemoteAction, run: () => Promise<T>, ref?: string): Promise<T> {
    try {
      return await run();
    } catch (error: unknown) {
      throw remoteError(error, this.#host, action, ref ?? this.#branchRef, this.#o.hasCredentials);
    }
  }
}

async function collect(
  body: AsyncIterableIterator<Uint8Array> | Uint8Array[],
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return concatBytes(parts);
}

/**
 * A path to read, as configuration spells it (`.`, `./clusters/prod/`, `/apps`): relative to the
 * repository root, without empty or `.` parts; `''` is the root. `..` is refused by splitPath.
 */
export function normalizeReadPath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}
