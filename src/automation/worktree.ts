/**
 * A local working copy read in place (`--repo PATH` for `plan`, `explain`, `list-*`): files come
 * from the work tree as they are now (uncommitted edits included, so a person can preview
 * before committing), history for rollback holds from its `.git` through isomorphic-git. No
 * clone, nothing written.
 */
import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import type { CommitInfo, GitFile, LogOptions } from '../git/types.js';
import type { RepoReader } from './pipeline.js';

/** Git's blob id of the content, so discovery's cache keys work as with Git objects. */
function blobOid(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export class WorkTreeReader implements RepoReader {
  constructor(readonly root: string) {}

  async readFiles(paths: readonly string[]): Promise<readonly GitFile[]> {
    const out: GitFile[] = [];
    const seen = new Set<string>();
    const visit = async (relative: string): Promise<void> => {
      const full = path.join(this.root, relative);
      let stat: fs.Stats;
      try {
        stat = await fsp.lstat(full);
      } catch {
        return;
      }
      if (stat.isDirectory()) {
        if (path.basename(full) === '.git') return;
        for (const name of (await fsp.readdir(full)).sort())
          await visit(relative === '' ? name : `${relative}/${name}`);
        return;
      }
      if (!stat.isFile() || seen.has(relative)) return;
      seen.add(relative);
      const bytes = new Uint8Array(await fsp.readFile(full));
      out.push({
        path: relative,
        oid: blobOid(bytes),
        mode: stat.mode & 0o111 ? '100755' : '100644',
        bytes,
      });
    };
    for (const wanted of paths) await visit(wanted.replace(/^\.\/?|\/+$/g, ''));
    return out;
  }

  async readFileAt(file: string): Promise<GitFile | undefined> {
    try {
      const bytes = new Uint8Array(await fsp.readFile(path.join(this.root, file)));
      return { path: file, oid: blobOid(bytes), mode: '100644', bytes };
    } catch {
      return undefined;
    }
  }

  async log(file: string, options: LogOptions): Promise<readonly CommitInfo[]> {
    if (!fs.existsSync(path.join(this.root, '.git'))) return [];
    let entries: Awaited<ReturnType<typeof git.log>>;
    try {
      entries = await git.log({ fs, dir: this.root, filepath: file, depth: options.maxCommits });
    } catch {
      return []; // no commits yet, or the file is new: no history, so no hold
    }
    const out: CommitInfo[] = [];
    for (const entry of entries) {
      const info: CommitInfo = {
        oid: entry.oid,
        message: entry.commit.message,
        parents: entry.commit.parent,
        author: entry.commit.author,
      };
      out.push(info);
      if (options.until?.(info) === true) break;
    }
    return out;
  }
}
