/**
 * The object database against the git CLI: objects read from a delta-compressed pack and from a
 * loose file equal `git cat-file`; trees serialize as `git mktree` does; the packs it writes for
 * a commit and for a push pass `git index-pack` / `git verify-pack`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  GitObjectMissing,
  ObjectDb,
  serializeTree,
  type TreeEntry,
} from '../../src/git/object-db.js';
import { createBareRepo, GIT_ENV, gitCli, tempDir } from '../support/git/repos.js';

const run = promisify(execFile);

/** `git cat-file <type> <oid>` as bytes. */
async function catFile(bare: string, type: string, oid: string): Promise<Buffer> {
  const { stdout } = await run('git', ['cat-file', type, oid], {
    cwd: bare,
    env: GIT_ENV,
    encoding: 'buffer',
  });
  return stdout;
}

/** Every object of the repository with its type and bytes, from one `git cat-file --batch`. */
async function allObjects(
  bare: string,
  scratch: string,
): Promise<{ oid: string; type: string; data: Buffer }[]> {
  const listing = await gitCli(['rev-list', '--objects', '--all'], bare);
  const list = path.join(scratch, 'oids.txt');
  await writeFile(list, listing.replace(/^(\S+).*$/gm, '$1'));
  const { stdout } = await run('sh', ['-c', 'git cat-file --batch < "$1"', 'sh', list], {
    cwd: bare,
    env: GIT_ENV,
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const objects = [];
  for (let at = 0; at < stdout.length;) {
    const eol = stdout.indexOf(10, at);
    const [oid = '', type = '', size = '0'] = stdout.toString('latin1', at, eol).split(' ');
    const data = stdout.subarray(eol + 1, eol + 1 + Number(size));
    objects.push({ oid, type, data });
    at = eol + 1 + Number(size) + 1;
  }
  return objects;
}

describe('ObjectDb', () => {
  let root: string;
  let bare: string;
  let oids: string[];

  before(async () => {
    root = await tempDir('objdb');
    const commits = Array.from({ length: 3 }, (_, c) =>
      Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [
          `apps/svc${i}/deploy.yaml`,
          { content: `name: svc-${i}\n${'# same line\n'.repeat(30)}image: r/svc-${i}:${c}.0.0\n` },
        ]),
      ),
    );
    ({ bare, oids } = await createBareRepo(root, 'objects.git', commits));
    await gitCli(['gc', '-q', '--aggressive', '--prune=now'], bare);
    const packDir = path.join(bare, 'objects', 'pack');
    const pack = (await readdir(packDir)).find((name) => name.endsWith('.pack'))!;
    const verify = await gitCli(['verify-pack', '-v', path.join(packDir, pack)]);
    assert.match(verify, /chain length = [1-9]/, 'the fixture pack holds deltas');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads commits, trees and delta-compressed blobs exactly as git cat-file does', async () => {
    const db = new ObjectDb(bare);
    const all = await allObjects(bare, root);
    assert.ok(all.length > 100, 'a fixture of many objects');
    for (const { oid, type, data } of all) {
      const object = db.read(oid);
      assert.equal(object.type, type, oid);
      assert.ok(object.data.equals(data), `${type} ${oid}`);
    }
    const head = db.readCommit(oids[2]!);
    assert.equal(head.parents[0], oids[1]);
    const apps = db.readTree(head.tree).find((entry) => entry.path === 'apps');
    assert.deepEqual(apps && { mode: apps.mode, type: apps.type }, {
      mode: '040000',
      type: 'tree',
    });
  });

  it('reads a loose object, and names a missing one', async () => {
    const file = path.join(root, 'loose.txt');
    await writeFile(file, 'a loose blob\n');
    const oid = (await gitCli(['hash-object', '-w', file], bare)).trim();
    const db = new ObjectDb(bare);
    assert.equal(db.read(oid).data.toString(), 'a loose blob\n');
    assert.throws(() => db.read('0'.repeat(40)), GitObjectMissing);
  });

  it('serializes trees in git order (a file "a.b" sorts before a directory "a")', async () => {
    const blobFile = path.join(root, 'blob.txt');
    await writeFile(blobFile, 'x\n');
    const blob = (await gitCli(['hash-object', '-w', blobFile], bare)).trim();
    const tree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'; // git's empty tree
    const entries: TreeEntry[] = [
      { mode: '040000', path: 'a', oid: tree, type: 'tree' },
      { mode: '100644', path: 'a.b', oid: blob, type: 'blob' },
      { mode: '100755', path: 'run', oid: blob, type: 'blob' },
      { mode: '120000', path: 'link', oid: blob, type: 'blob' },
    ];
    const db = new ObjectDb(bare);
    const ours = db.write('tree', serializeTree(entries));
    const input = `040000 tree ${tree}\ta\n100644 blob ${blob}\ta.b\n100755 blob ${blob}\trun\n120000 blob ${blob}\tlink\n`;
    const inputFile = path.join(root, 'mktree.txt');
    await writeFile(inputFile, input);
    const { stdout } = await run('sh', ['-c', 'git mktree --missing < "$1"', 'sh', inputFile], {
      cwd: bare,
      env: GIT_ENV,
    });
    assert.equal(ours, stdout.trim());
  });

  it('flushes written objects as one pack git reads, and packs them for a push', async () => {
    const db = new ObjectDb(bare);
    const blob = db.write('blob', new TextEncoder().encode('new content\n'));
    const head = db.readCommit(oids[2]!);
    const tree = db.write(
      'tree',
      serializeTree([
        ...db.readTree(head.tree),
        { mode: '100644', path: 'NEW.md', oid: blob, type: 'blob' },
      ]),
    );
    const packDir = path.join(bare, 'objects', 'pack');
    const before = (await readdir(packDir)).filter((name) => name.endsWith('.pack')).length;
    db.flush();
    const packs = (await readdir(packDir)).filter((name) => name.endsWith('.pack'));
    assert.equal(packs.length, before + 1, 'one new pack');
    for (const name of packs) await gitCli(['verify-pack', path.join(packDir, name)]);
    assert.equal((await catFile(bare, 'blob', blob)).toString(), 'new content\n');
    assert.equal((await gitCli(['cat-file', '-t', tree], bare)).trim(), 'tree');
    // The push pack (entries copied from the new pack, plus a deflated one) indexes in git.
    const pushPack = db.packObjects([blob, tree, head.tree]);
    const file = path.join(root, 'push.pack');
    await writeFile(file, pushPack);
    await run('git', ['index-pack', file], { env: GIT_ENV });
    const { stdout } = await run('git', ['verify-pack', '-v', file], { env: GIT_ENV });
    for (const oid of [blob, tree, head.tree]) assert.match(stdout, new RegExp(`^${oid} `, 'm'));
  });
});
