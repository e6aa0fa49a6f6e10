/**
 * Object-level editing without index or work tree: a commit by tree edit rebuilds only the trees
 * on the changed paths, and a push ships only what a tree diff that descends into changed
 * subtrees finds new (../shared/notes/git-minimal-push.md: isomorphic-git's own `commit` and
 * `push` walk every tree, 27–40 s at 50,000 files).
 */
import { GitPathInvalid } from './errors.js';
import { hashObject, type ObjectDb, serializeTree, type TreeEntry } from './object-db.js';
import type { FileWrite } from './types.js';

export const MODE_FILE = '100644';
export const MODE_EXECUTABLE = '100755';
export const MODE_SYMLINK = '120000';
export const MODE_TREE = '040000';
export const MODE_SUBMODULE = '160000';

/**
 * What the object functions need: the gitdir, the process-wide isomorphic-git cache (for what
 * isomorphic-git still does: fetch, history) and the object database for the hot reads/writes.
 */
export interface ObjectStore {
  readonly gitdir: string;
  readonly cache: object;
  readonly db: ObjectDb;
}

type Entry = TreeEntry;

/** Splits and checks a repository path; throws GitPathInvalid naming the path. */
export function splitPath(path: string): string[] {
  const parts = path.split('/');
  const bad = parts.find((part) => part === '' || part === '.' || part === '..' || part === '.git');
  if (bad !== undefined || path.includes('\0')) {
    throw new GitPathInvalid(
      `cannot write ${JSON.stringify(path)}: paths are relative, slash-separated, without empty, ".", ".." or ".git" parts`,
    );
  }
  return parts;
}

/** The entries of tree `oid` (parsed once per process: trees are immutable). */
export function readTreeEntries(store: ObjectStore, oid: string): readonly Entry[] {
  return store.db.readTree(oid);
}

interface DirEdit {
  files: Map<string, FileWrite>;
  dirs: Map<string, DirEdit>;
}

function planEdits(writes: readonly FileWrite[]): DirEdit {
  const root: DirEdit = { files: new Map(), dirs: new Map() };
  for (const write of writes) {
    const parts = splitPath(write.path);
    const name = parts.pop() ?? '';
    let node = root;
    for (const part of parts) {
      let next = node.dirs.get(part);
      if (next === undefined) {
        next = { files: new Map(), dirs: new Map() };
        node.dirs.set(part, next);
      }
      node = next;
    }
    if (node.files.has(name)) {
      throw new GitPathInvalid(`${write.path} is written twice in one commit`);
    }
    node.files.set(name, write);
  }
  return root;
}

export interface TreeEditResult {
  readonly tree: string;
  /** Blobs and trees written by this edit (candidates for the push pack). */
  readonly written: readonly string[];
}

/**
 * Applies `writes` to the tree `rootOid`, writing only the changed blobs and the trees on their
 * paths; unchanged subtrees keep their oid and are never read beyond the path. New objects go to
 * the object database's memory (written as one pack by its `flush()`).
 */
export function editTree(
  store: ObjectStore,
  rootOid: string,
  writes: readonly FileWrite[],
): TreeEditResult {
  const written: string[] = [];
  const tree = editDir(store, rootOid, planEdits(writes), '', written);
  return { tree: tree ?? rootOid, written };
}

function editDir(
  store: ObjectStore,
  oid: string | undefined,
  edit: DirEdit,
  prefix: string,
  written: string[],
): string | undefined {
  const entries = oid === undefined ? [] : readTreeEntries(store, oid);
  const byName = new Map(entries.map((entry) => [entry.path, entry]));
  let changed = false;
  for (const [name, write] of edit.files) {
    const old = byName.get(name);
    if (old !== undefined && old.type !== 'blob') {
      throw new GitPathInvalid(`cannot write ${write.path}: it is a ${old.type} in the tree`);
    }
    const mode = write.mode ?? old?.mode ?? MODE_FILE;
    if (![MODE_FILE, MODE_EXECUTABLE, MODE_SYMLINK].includes(mode)) {
      throw new GitPathInvalid(`cannot write ${write.path} with mode ${mode}`);
    }
    const blobOid = hashObject('blob', write.bytes);
    if (old !== undefined && old.oid === blobOid && old.mode === mode) continue;
    store.db.write('blob', write.bytes);
    written.push(blobOid);
    byName.set(name, { mode, path: name, oid: blobOid, type: 'blob' });
    changed = true;
  }
  for (const [name, sub] of edit.dirs) {
    const old = byName.get(name);
    const path = `${prefix}${name}`;
    if (old !== undefined && old.type !== 'tree') {
      throw new GitPathInvalid(`cannot write under ${path}: it is a ${old.type}, not a directory`);
    }
    const next = editDir(store, old?.oid, sub, `${path}/`, written);
    if (next === undefined || next === old?.oid) continue;
    byName.set(name, { mode: MODE_TREE, path: name, oid: next, type: 'tree' });
    changed = true;
  }
  if (!changed) return oid;
  // serializeTree sorts entries the way git does (directories compare as "name/").
  const treeOid = store.db.write('tree', serializeTree([...byName.values()]));
  written.push(treeOid);
  return treeOid;
}

/**
 * Objects reachable from `newTree` but not from `oldTree`, descending only into subtrees whose
 * oid differs: the work follows the size of the change, not of the repository.
 */
export function treeDiffObjects(
  store: ObjectStore,
  newTree: string,
  oldTree: string | undefined,
  into: Set<string>,
): void {
  if (newTree === oldTree || into.has(newTree)) return;
  into.add(newTree);
  const newEntries = readTreeEntries(store, newTree);
  const oldEntries = oldTree === undefined ? [] : readTreeEntries(store, oldTree);
  const oldByName = new Map(oldEntries.map((entry) => [entry.path, entry]));
  for (const entry of newEntries) {
    const old = oldByName.get(entry.path);
    if (old?.oid === entry.oid || entry.type === 'commit') continue;
    if (entry.type === 'tree') {
      treeDiffObjects(store, entry.oid, old?.type === 'tree' ? old.oid : undefined, into);
    } else {
      into.add(entry.oid);
    }
  }
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** Minutes east of UTC (e.g. 60 for +0100); default 0. */
  readonly tzOffsetMinutes?: number;
}

function formatSignature(sig: Signature): string {
  const offset = sig.tzOffsetMinutes ?? 0;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const tz = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  const clean = (text: string): string => text.replace(/[<>\n]/g, '');
  return `${clean(sig.name)} <${clean(sig.email)}> ${Math.floor(sig.timestamp)} ${tz}`;
}

export interface CommitFields {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

/** The commit object's text without a signature: exactly what a signer signs. */
export function formatCommit(fields: CommitFields): string {
  const headers = [
    `tree ${fields.tree}`,
    ...fields.parents.map((parent) => `parent ${parent}`),
    `author ${formatSignature(fields.author)}`,
    `committer ${formatSignature(fields.committer)}`,
  ];
  const message = fields.message.endsWith('\n') ? fields.message : `${fields.message}\n`;
  return `${headers.join('\n')}\n\n${message}`;
}

/**
 * Inserts a `gpgsig` header after the committer line, continuation lines indented by one space,
 * as git stores signatures (git's commit.c, `add_header_signature`).
 */
export function withSignature(payload: string, signature: string): string {
  const split = payload.indexOf('\n\n');
  const header = `gpgsig ${signature.replace(/\n+$/, '').replace(/\n/g, '\n ')}`;
  return `${payload.slice(0, split)}\n${header}${payload.slice(split)}`;
}

/** Stores the commit text as it is: a signed payload must be exactly the bytes stored. */
export function writeCommitText(store: ObjectStore, text: string): string {
  return store.db.write('commit', new TextEncoder().encode(text));
}
