/** log(path) newest first, deepening a depth-1 clone on demand, checked against `git log`. */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGitHttpServer, type GitHttpServer } from '../support/git/http-server.js';
import { openTestStore } from '../support/git/fixture.js';
import { commitFiles, gitCli, tempDir } from '../support/git/repos.js';

describe('GitStore.log with on-demand deepening', () => {
  let root: string;
  let server: GitHttpServer;

  before(async () => {
    root = await tempDir('srv-log');
    server = await startGitHttpServer({ root });
    // f changes in commits 1, 3, 5 and on a merged side branch; g in 2 and 4.
    const work = await tempDir('log-work');
    await gitCli(['init', '-q', '-b', 'main', work]);
    await commitFiles(
      work,
      { 'dir/f.yaml': { content: 'f1\n' }, 'g.yaml': { content: 'g1\n' } },
      'c1 f',
    );
    await commitFiles(work, { 'g.yaml': { content: 'g2\n' } }, 'c2 g');
    await commitFiles(work, { 'dir/f.yaml': { content: 'f3\n' } }, 'c3 f');
    await gitCli(['checkout', '-q', '-b', 'side'], work);
    await commitFiles(work, { 'dir/f.yaml': { content: 'f-side\n' } }, 'side f');
    await gitCli(['checkout', '-q', 'main'], work);
    await commitFiles(work, { 'g.yaml': { content: 'g4\n' } }, 'c4 g');
    await gitCli(['merge', '-q', '--no-ff', '-m', 'merge side', 'side'], work);
    await commitFiles(work, { 'g.yaml': { content: 'g5\n' } }, 'c5 g');
    await commitFiles(work, { 'dir/f.yaml': { content: 'f6\n' } }, 'c6 f');
    for (let i = 7; i <= 12; i++)
      await commitFiles(work, { 'g.yaml': { content: `g${i}\n` } }, `c${i} g`);
    await gitCli(['clone', '-q', '--bare', work, path.join(root, 'log.git')]);
    await rm(work, { recursive: true, force: true });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('matches git log -- path (merge simplification included), deepening as needed', async () => {
    const store = await openTestStore(server.url('log.git'), { deepenStep: 3 });
    try {
      await store.sync();
      const mark = server.requests.length;
      const commits = await store.log('dir/f.yaml', { maxCommits: 50 });
      const expected = (
        await gitCli(['log', '--format=%H', 'main', '--', 'dir/f.yaml'], path.join(root, 'log.git'))
      )
        .trim()
        .split('\n');
      assert.deepEqual(commits.map((c) => c.oid).sort(), [...expected].sort());
      assert.equal(commits[0]?.message, 'c6 f\n');
      assert.equal(commits.at(-1)?.message, 'c1 f\n');
      assert.ok(
        server.requests.slice(mark).some((r) => r.method === 'POST'),
        'history was deepened',
      );
    } finally {
      await store.close();
    }
  });

  it('stops at maxCommits, deepening only once (the head needs its parent to compare)', async () => {
    const store = await openTestStore(server.url('log.git'));
    try {
      await store.sync();
      const mark = server.requests.length;
      const commits = await store.log('g.yaml', { maxCommits: 1 });
      assert.deepEqual(
        commits.map((c) => c.message),
        ['c12 g\n'],
      );
      const posts = server.requests.slice(mark).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1, 'one deepening fetch');
    } finally {
      await store.close();
    }
  });

  it('stops (inclusive) at the first commit `until` accepts, and respects the scan limit', async () => {
    const store = await openTestStore(server.url('log.git'), { deepenStep: 2 });
    try {
      await store.sync();
      const commits = await store.log('dir/f.yaml', {
        maxCommits: 50,
        until: (c) => c.message.startsWith('side'),
      });
      assert.deepEqual(
        commits.map((c) => c.message.trim()),
        ['c6 f', 'side f'],
      );
      assert.equal(commits[0]?.author.name, 'Test Person');
    } finally {
      await store.close();
    }
    const bounded = await openTestStore(server.url('log.git'), { logScanLimit: 4 });
    try {
      await bounded.sync();
      const commits = await bounded.log('dir/f.yaml', { maxCommits: 50 });
      // c12..c9 are the only commits examined; none touched the file.
      assert.deepEqual(commits, []);
    } finally {
      await bounded.close();
    }
  });
});
