/**
 * GitStore against a real `git http-backend` on loopback: clone, incremental fetch, the no-op
 * cycle, tree-edit commits and minimal pushes, read back with the git CLI.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  gitdirFor,
  GitNothingToCommit,
  GitPathInvalid,
  GitRefNotFound,
} from '../../src/git/index.js';
import {
  packObjectCount,
  startGitHttpServer,
  type GitHttpServer,
} from '../support/git/http-server.js';
import { bytes, NOW_MS, openTestStore, text } from '../support/git/fixture.js';
import {
  cloneWork,
  commitFiles,
  countObjects,
  createBareRepo,
  gitCli,
  tempDir,
} from '../support/git/repos.js';

const BASE = {
  'apps/a/deploy.yaml': { content: 'image: a:1\n' },
  'apps/b/deploy.yaml': { content: 'image: b:1\n' },
  'apps/c/deploy.yaml': { content: 'image: c:1\n' },
  'apps/c/nested/x.yaml': { content: 'x: 1\n' },
  'docs/readme.md': { content: 'hello\n' },
  'bin/run.sh': { content: '#!/bin/sh\necho run\n', executable: true },
  'apps/current': { content: 'a', symlink: true },
};

describe('GitStore over git http-backend', () => {
  let root: string;
  let server: GitHttpServer;

  before(async () => {
    root = await tempDir('srv');
    server = await startGitHttpServer({ root });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  const receivePackPosts = (since: number) =>
    server.requests
      .slice(since)
      .filter((r) => r.method === 'POST' && r.url.endsWith('/git-receive-pack'));

  it('clones shallow, single-branch, without tags or work tree, and reads files with modes', async () => {
    const { bare, oids } = await createBareRepo(root, 'clone.git', [
      BASE,
      { 'docs/readme.md': { content: 'v2\n' } },
    ]);
    await gitCli(['tag', 'v1', oids[0]!], bare);
    await gitCli(['branch', 'other', oids[0]!], bare);
    const store = await openTestStore(server.url('clone.git'));
    try {
      const mark = server.requests.length;
      assert.equal(await store.sync(), oids[1]);
      // One advertisement, one upload-pack POST (the pack is indexed in-process).
      assert.deepEqual(
        server.requests.slice(mark).map((r) => r.method),
        ['GET', 'POST'],
      );
      await gitCli(['--git-dir', store.gitdir, 'fsck', '--full', '--strict']);
      assert.equal(await store.head(), oids[1]);
      // depth 1: the parent commit was not fetched; no tags, no other branch, no work tree.
      assert.equal(
        (await gitCli(['--git-dir', store.gitdir, 'rev-parse', '--is-shallow-repository'])).trim(),
        'true',
      );
      assert.equal((await gitCli(['--git-dir', store.gitdir, 'tag'])).trim(), '');
      const refs = await gitCli(['--git-dir', store.gitdir, 'for-each-ref', '--format=%(refname)']);
      assert.doesNotMatch(refs, /other|tags/);
      const entries = await readdir(store.gitdir);
      assert.ok(!entries.includes('index'), 'no index file');
      const files = await store.readFiles(['apps', 'bin/run.sh', 'missing']);
      assert.deepEqual(
        files.map((f) => [f.path, f.mode, text(f.bytes)]),
        [
          ['apps/a/deploy.yaml', '100644', 'image: a:1\n'],
          ['apps/b/deploy.yaml', '100644', 'image: b:1\n'],
          ['apps/c/deploy.yaml', '100644', 'image: c:1\n'],
          ['apps/c/nested/x.yaml', '100644', 'x: 1\n'],
          ['apps/current', '120000', 'a'],
          ['bin/run.sh', '100755', '#!/bin/sh\necho run\n'],
        ],
      );
      // Paths as configuration spells them: the root as ".", "./dir/", a leading slash.
      assert.equal((await store.readFiles(['.'])).length, 7);
      assert.deepEqual(
        (await store.readFiles(['./apps/c/', '/docs'])).map((f) => f.path),
        ['apps/c/deploy.yaml', 'apps/c/nested/x.yaml', 'docs/readme.md'],
      );
      const readme = await store.readFileAt('./docs/readme.md', oids[1]!);
      assert.equal(text(readme!.bytes), 'v2\n');
      assert.equal(await store.readFileAt('nope.txt', oids[1]!), undefined);
    } finally {
      await store.close();
    }
  });

  it('costs one ref advertisement when nothing moved, and fetches incrementally when it did', async () => {
    const { bare, oids } = await createBareRepo(root, 'fetch.git', [BASE]);
    const store = await openTestStore(server.url('fetch.git'));
    try {
      await store.sync();
      const before = server.requests.length;
      assert.equal(await store.sync(), oids[0]);
      const noop = server.requests.slice(before);
      assert.equal(noop.length, 1, 'exactly one request for a no-op cycle');
      assert.match(noop[0]!.url, /info\/refs\?service=git-upload-pack$/);

      const writer = await cloneWork(bare);
      const moved = await commitFiles(
        writer,
        { 'apps/b/deploy.yaml': { content: 'image: b:2\n' } },
        'b2',
      );
      await gitCli(['push', '-q', 'origin', 'main'], writer);
      const mark = server.requests.length;
      assert.equal(await store.sync(), moved);
      const fetchRequests = server.requests.slice(mark);
      // advertisement, then isomorphic-git's own discovery and one upload-pack POST
      assert.equal(fetchRequests.filter((r) => r.method === 'POST').length, 1);
      const [file] = await store.readFiles(['apps/b/deploy.yaml']);
      assert.equal(text(file!.bytes), 'image: b:2\n');
      await rm(writer, { recursive: true, force: true });
    } finally {
      await store.close();
    }
  });

  it('commits one file by tree edit and pushes a pack of only the new objects', async () => {
    const { bare, oids } = await createBareRepo(root, 'one.git', [BASE]);
    const store = await openTestStore(server.url('one.git'));
    try {
      await store.sync();
      const untouched = (
        await gitCli(['rev-parse', 'main:apps/b', 'main:docs', 'main:apps/c'], bare)
      ).trim();
      const objectsBefore = await countObjects(bare);
      const commit = await store.commit(
        [{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }],
        'Update a to 2\n\nTagpilot-Slot: default:deployment/a',
      );
      const mark = server.requests.length;
      await store.push();
      assert.equal((await gitCli(['rev-parse', 'main'], bare)).trim(), commit);
      assert.equal(await store.head(), commit);
      await gitCli(['fsck', '--full', '--strict'], bare);
      const [post] = receivePackPosts(mark);
      // commit + root tree + apps + apps/a + one blob
      assert.equal(packObjectCount(post!.body), 5);
      assert.equal((await countObjects(bare)) - objectsBefore, 5);
      assert.equal(
        (await gitCli(['rev-parse', 'main:apps/b', 'main:docs', 'main:apps/c'], bare)).trim(),
        untouched,
      );
      const raw = await gitCli(['cat-file', 'commit', commit], bare);
      assert.equal(
        raw,
        [
          `tree ${(await gitCli(['rev-parse', `${commit}^{tree}`], bare)).trim()}`,
          `parent ${oids[0]!}`,
          `author tagpilot <tagpilot@example.test> ${NOW_MS / 1000} +0000`,
          `committer tagpilot <tagpilot@example.test> ${NOW_MS / 1000} +0000`,
          '',
          'Update a to 2',
          '',
          'Tagpilot-Slot: default:deployment/a',
          '',
        ].join('\n'),
      );
      assert.equal(
        (await gitCli(['diff', '--name-only', oids[0]!, commit], bare)).trim(),
        'apps/a/deploy.yaml',
      );
    } finally {
      await store.close();
    }
  });

  it('commits several files, rewriting only the trees on their paths, and keeps modes', async () => {
    const { bare, oids } = await createBareRepo(root, 'multi.git', [BASE]);
    const store = await openTestStore(server.url('multi.git'));
    try {
      await store.sync();
      const before = (await gitCli(['ls-tree', '-r', '-t', 'main'], bare)).trim().split('\n');
      const objectsBefore = await countObjects(bare);
      const commit = await store.commit(
        [
          { path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') },
          { path: 'apps/c/nested/x.yaml', bytes: bytes('x: 2\n') },
          { path: 'bin/run.sh', bytes: bytes('#!/bin/sh\necho run2\n') },
          { path: 'apps/new/deploy.yaml', bytes: bytes('image: n:1\n') },
        ],
        'several',
      );
      const mark = server.requests.length;
      await store.push();
      await gitCli(['fsck', '--full', '--strict'], bare);
      assert.equal((await gitCli(['rev-parse', 'main'], bare)).trim(), commit);
      const after = (await gitCli(['ls-tree', '-r', '-t', 'main'], bare)).trim().split('\n');
      const changed = after
        .filter((line) => !before.includes(line))
        .map((line) => line.split('\t')[1]);
      assert.deepEqual(changed.sort(), [
        'apps',
        'apps/a',
        'apps/a/deploy.yaml',
        'apps/c',
        'apps/c/nested',
        'apps/c/nested/x.yaml',
        'apps/new',
        'apps/new/deploy.yaml',
        'bin',
        'bin/run.sh',
      ]);
      // commit + root + the ten changed trees and blobs above
      const [post] = receivePackPosts(mark);
      assert.equal(packObjectCount(post!.body), 12);
      assert.equal((await countObjects(bare)) - objectsBefore, 12);
      const modes = await gitCli(
        ['ls-tree', '-r', 'main', 'bin/run.sh', 'apps/current', 'apps/new/deploy.yaml'],
        bare,
      );
      assert.match(modes, /^100755 blob \S+\tbin\/run\.sh$/m);
      assert.match(modes, /^120000 blob \S+\tapps\/current$/m);
      assert.match(modes, /^100644 blob \S+\tapps\/new\/deploy\.yaml$/m);
      assert.equal(
        (await gitCli(['rev-parse', 'main:apps/b', 'main:docs'], bare)).trim(),
        (await gitCli(['rev-parse', `${oids[0]!}:apps/b`, `${oids[0]!}:docs`], bare)).trim(),
      );
    } finally {
      await store.close();
    }
  });

  it('never writes an empty commit and refuses paths that cannot be edited', async () => {
    await createBareRepo(root, 'empty.git', [BASE]);
    const store = await openTestStore(server.url('empty.git'));
    try {
      const head = await store.sync();
      await assert.rejects(
        store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:1\n') }], 'same'),
        GitNothingToCommit,
      );
      await assert.rejects(store.commit([], 'nothing'), GitNothingToCommit);
      for (const bad of ['apps/a/deploy.yaml/x', 'apps', '../x', 'a//b', '.git/config']) {
        await assert.rejects(
          store.commit([{ path: bad, bytes: bytes('x') }], 'bad'),
          GitPathInvalid,
          bad,
        );
      }
      assert.equal(await store.head(), head);
      const mark = server.requests.length;
      await store.push(); // nothing of ours: no request at all
      assert.equal(server.requests.length, mark);
    } finally {
      await store.close();
    }
  });

  it('clones the full history with depth 0', async () => {
    const { bare, oids } = await createBareRepo(root, 'full.git', [
      BASE,
      { 'docs/readme.md': { content: 'v2\n' } },
    ]);
    const store = await openTestStore(server.url('full.git'), { depth: 0 });
    try {
      assert.equal(await store.sync(), oids[1]);
      assert.equal(
        (await gitCli(['--git-dir', store.gitdir, 'rev-parse', '--is-shallow-repository'])).trim(),
        'false',
      );
      assert.equal(
        (await gitCli(['--git-dir', store.gitdir, 'rev-list', '--count', 'main'])).trim(),
        (await gitCli(['rev-list', '--count', 'main'], bare)).trim(),
      );
      await gitCli(['--git-dir', store.gitdir, 'fsck', '--full', '--strict']);
    } finally {
      await store.close();
    }
  });

  it('discards the leftovers of a clone killed half-way', async () => {
    const { oids } = await createBareRepo(root, 'leftover.git', [BASE]);
    const cacheDir = await tempDir('cache');
    const gitdir = gitdirFor(cacheDir, server.url('leftover.git'));
    await mkdir(path.join(gitdir, 'objects', 'pack'), { recursive: true });
    await writeFile(path.join(gitdir, 'objects', 'pack', 'pack-dead.pack'), 'PACK half written');
    await writeFile(path.join(gitdir, 'HEAD'), 'garbage');
    const store = await openTestStore(server.url('leftover.git'), { cacheDir });
    try {
      assert.equal(await store.sync(), oids[0]);
      await gitCli(['--git-dir', gitdir, 'fsck', '--full', '--strict']);
      assert.equal((await store.readFiles(['docs'])).length, 1);
    } finally {
      await store.close();
    }
  });

  it('reports a missing branch as GitRefNotFound', async () => {
    await createBareRepo(root, 'nobranch.git', [BASE]);
    const store = await openTestStore(server.url('nobranch.git'), { branch: 'release' });
    try {
      await assert.rejects(store.sync(), GitRefNotFound);
    } finally {
      await store.close();
    }
  });

  it('keeps one gitdir per URL under the cache directory and reuses it', async () => {
    await createBareRepo(root, 'reuse.git', [BASE]);
    const cacheDir = await tempDir('cache');
    const first = await openTestStore(server.url('reuse.git'), { cacheDir });
    await first.sync();
    await first.close();
    const second = await openTestStore(server.url('reuse.git'), { cacheDir });
    try {
      assert.equal(second.gitdir, first.gitdir);
      assert.equal(path.dirname(second.gitdir), path.join(cacheDir, 'git'));
      const mark = server.requests.length;
      await second.sync();
      assert.equal(server.requests.length - mark, 1, 'a reopened store syncs with one request');
    } finally {
      await second.close();
    }
  });
});
