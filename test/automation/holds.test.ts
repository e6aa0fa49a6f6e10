import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findLastWrites } from '../../src/automation/holds.js';
import type { CommitInfo, LogOptions } from '../../src/git/types.js';
import { slot } from './fixtures.js';

/** An in-memory history: file → commits newest first; records how far each walk went. */
function history(files: Record<string, { oid: string; message: string }[]>) {
  const walked: Record<string, number> = {};
  return {
    walked,
    async log(path: string, options: LogOptions): Promise<readonly CommitInfo[]> {
      const out: CommitInfo[] = [];
      for (const c of files[path] ?? []) {
        if (out.length >= options.maxCommits) break;
        const info: CommitInfo = {
          oid: c.oid,
          message: c.message,
          parents: [],
          author: { name: 'x', email: 'x', timestamp: 0 },
        };
        out.push(info);
        if (options.until?.(info) === true) break;
      }
      walked[path] = out.length;
      return Promise.resolve(out);
    },
  };
}

const trailer = (slotId: string, from: string, to: string) =>
  `chore(images): update\n\nbody\n\nTagpilot-Update: ${slotId} ${from} ${to}\n`;

const api = slot({ name: 'api', image: 'r.io/api:1.0.0', file: 'apps/all.yaml' });
const web = slot({ name: 'web', image: 'r.io/web:1.0.0', file: 'apps/all.yaml' });
const db = slot({ name: 'db', image: 'r.io/db:1.0.0', file: 'apps/db.yaml' });

describe('findLastWrites', () => {
  it('finds the newest tagpilot write per slot and stops when all are found', async () => {
    const git = history({
      'apps/all.yaml': [
        { oid: 'c5', message: 'revert: roll api back\n' },
        { oid: 'c4', message: trailer(api.id, 'r.io/api:1.0.1', 'r.io/api:1.0.2') },
        { oid: 'c3', message: trailer(api.id, 'r.io/api:1.0.0', 'r.io/api:1.0.1') },
        { oid: 'c2', message: trailer(web.id, 'r.io/web:0.9.0', 'r.io/web:1.0.0') },
        { oid: 'c1', message: trailer(api.id, 'r.io/api:0.1.0', 'r.io/api:0.2.0') },
      ],
    });
    const found = await findLastWrites(git, [api, web]);
    assert.deepEqual(found.get(api.id), { commit: 'c4', value: 'r.io/api:1.0.2' });
    assert.deepEqual(found.get(web.id), { commit: 'c2', value: 'r.io/web:1.0.0' });
    assert.equal(
      git.walked['apps/all.yaml'],
      4,
      'the walk stops at the commit that completes the set',
    );
  });

  it('no tagpilot commit within the bound → no entry (no hold)', async () => {
    const git = history({
      'apps/db.yaml': [
        { oid: 'c3', message: 'person edit\n' },
        { oid: 'c2', message: 'person edit\n' },
        { oid: 'c1', message: trailer(db.id, 'r.io/db:0.9.0', 'r.io/db:1.0.1') },
      ],
    });
    assert.equal((await findLastWrites(git, [db], 2)).size, 0);
    assert.equal((await findLastWrites(git, [db], 3)).get(db.id)?.commit, 'c1');
  });

  it('ignores trailers for other slots and files without history', async () => {
    const git = history({
      'apps/db.yaml': [{ oid: 'c1', message: trailer(api.id, 'r.io/api:1', 'r.io/api:2') }],
    });
    assert.equal((await findLastWrites(git, [db, api])).size, 0);
  });
});
