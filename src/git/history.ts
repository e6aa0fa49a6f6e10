/**
 * `log(path)` for the cycle: commits that changed a path, newest first, with git's default
 * history simplification (a merge that kept one parent's version follows only that parent, as
 * `git log -- <path>` does). Deepens a shallow clone on demand, within a scan limit.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import fs from 'node:fs';
import git from 'isomorphic-git';
import type { ObjectStore } from './objects.js';
import type { CommitInfo, LogOptions } from './types.js';

export interface HistoryDeps {
  readonly objects: ObjectStore;
  readonly lookup: (root: string, path: string) => Promise<{ oid: string } | undefined>;
  /** Fetches `step` more commits of history behind the shallow boundary. */
  readonly deepen: (step: number) => Promise<void>;
  readonly scanLimit: number;
  readonly deepenStep: number;
}

interface Node {
  readonly oid: string;
  readonly info: CommitInfo;
  readonly tree: string;
  readonly committed: number;
}

async function shallowSet(gitdir: string): Promise<Set<string>> {
  const text = await fsp.readFile(path.join(gitdir, 'shallow'), 'utf8').catch(() => '');
  return new Set(text.split('\n').filter((line) => line.length > 0));
}

export async function readLog(
  deps: HistoryDeps,
  head: string,
  filePath: string,
  options: LogOptions,
): Promise<CommitInfo[]> {
  const { gitdir, cache } = deps.objects;
  const read = async (oid: string): Promise<Node> => {
    const { commit } = await git.readCommit({ fs, gitdir, oid, cache });
    return {
      oid,
      tree: commit.tree,
      committed: commit.committer.timestamp,
      info: {
        oid,
        message: commit.message,
        author: {
          name: commit.author.name,
          email: commit.author.email,
          timestamp: commit.author.timestamp,
        },
        parents: commit.parent,
      },
    };
  };
  const pathOid = async (node: Node): Promise<string | undefined> =>
    filePath === '' ? node.tree : (await deps.lookup(node.tree, filePath))?.oid;

  let shallow = await shallowSet(gitdir);
  const out: CommitInfo[] = [];
  const queue: Node[] = [await read(head)];
  const queued = new Set<string>([head]);
  let scanned = 0;
  while (queue.length > 0 && out.length < options.maxCommits && scanned < deps.scanLimit) {
    // Newest committer date first, as `git log` orders by default.
    queue.sort((a, b) => b.committed - a.committed);
    const node = queue.shift();
    if (node === undefined) break;
    scanned++;
    if (shallow.has(node.oid)) {
      await deps.deepen(deps.deepenStep);
      shallow = await shallowSet(gitdir);
      // The server had nothing older to give: stop rather than report the boundary as a change.
      if (shallow.has(node.oid)) break;
    }
    const mine = await pathOid(node);
    const parents: Node[] = [];
    for (const parent of node.info.parents) parents.push(await read(parent));
    let follow = parents;
    let changed: boolean;
    if (parents.length === 0) {
      // A root commit changed the path if the path exists in it.
      changed = mine !== undefined;
    } else {
      const same: Node[] = [];
      for (const parent of parents) if ((await pathOid(parent)) === mine) same.push(parent);
      changed = same.length === 0;
      if (same[0] !== undefined) follow = [same[0]];
    }
    if (changed) {
      out.push(node.info);
      if (options.until?.(node.info) === true) break;
    }
    for (const parent of follow) {
      if (queued.has(parent.oid)) continue;
      queued.add(parent.oid);
      queue.push(parent);
    }
  }
  return out;
}
