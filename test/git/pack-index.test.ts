/**
 * The pack indexer against `git index-pack`: byte-identical `.idx` for OFS_DELTA and REF_DELTA
 * packs, fed whole or in small chunks as a download would; delta chains; thin packs refused.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { GitProtocolError } from '../../src/git/errors.js';
import { applyDelta, indexPack, PackIndexer } from '../../src/git/pack-index.js';
import { createBareRepo, GIT_ENV, gitCli, tempDir } from '../support/git/repos.js';

const run = promisify(execFile);

/** `git pack-objects --stdout` with `revs` on stdin: the pack bytes. */
async function packObjects(bare: string, args: readonly string[], revs: string): Promise<Buffer> {
  const child = spawn('git', ['pack-objects', '--stdout', '-q', ...args], {
    cwd: bare,
    env: GIT_ENV,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.end(revs);
  assert.equal(await exited, 0, 'git pack-objects succeeds');
  return Buffer.concat(chunks);
}

/** What `git index-pack` writes for `pack`. */
async function gitIndexPack(dir: string, pack: Buffer): Promise<Buffer> {
  const file = path.join(dir, `check-${pack.subarray(-20).toString('hex')}.pack`);
  await writeFile(file, pack);
  await run('git', ['index-pack', file], { env: GIT_ENV });
  return readFile(file.replace(/\.pack$/, '.idx'));
}

describe('indexPack', () => {
  let root: string;
  let bare: string;
  let pack: Buffer;
  let gitIdx: Buffer;

  before(async () => {
    root = await tempDir('packidx');
    // Similar files across commits so `git gc --aggressive` stores most of them as deltas.
    const commits = Array.from({ length: 6 }, (_, c) =>
      Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          `apps/svc${i}/deploy.yaml`,
          {
            content: `kind: Deployment\nname: svc-${i}\n${'# padding line\n'.repeat(20)}image: r/svc-${i}:${c}.0.0\n`,
          },
        ]),
      ),
    );
    ({ bare } = await createBareRepo(root, 'deltas.git', commits));
    await gitCli(['gc', '-q', '--aggressive', '--prune=now'], bare);
    const packDir = path.join(bare, 'objects', 'pack');
    const name = (await readdir(packDir)).find((file) => file.endsWith('.pack'))!;
    pack = await readFile(path.join(packDir, name));
    gitIdx = await readFile(path.join(packDir, name.replace(/\.pack$/, '.idx')));
    const verify = await run('git', ['verify-pack', '-v', path.join(packDir, name)], {
      env: GIT_ENV,
    });
    assert.match(verify.stdout, /chain length = [2-9]/, 'the fixture pack holds delta chains');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the same .idx as git index-pack', () => {
    const result = indexPack(pack);
    assert.equal(result.packSha, pack.subarray(pack.length - 20).toString('hex'));
    assert.equal(result.objectCount, pack.readUInt32BE(8));
    assert.ok(result.idx.equals(gitIdx), 'byte-identical index');
  });

  it('indexes the pack fed in small and uneven chunks, as it downloads', () => {
    for (const sizes of [[7], [1, 4096, 13, 65536]]) {
      const indexer = new PackIndexer();
      for (let at = 0, k = 0; at < pack.length; k++) {
        const size = sizes[k % sizes.length] ?? 1;
        indexer.push(pack.subarray(at, at + size));
        at += size;
      }
      assert.ok(indexer.finish().idx.equals(gitIdx), `chunks of ${sizes.join(', ')}`);
    }
  });

  it('gives the same index through the public zlib API as through the reused context', () => {
    assert.ok(indexPack(pack, { reuseContext: false }).idx.equals(gitIdx));
  });

  it('indexes REF_DELTA packs (no ofs-delta) like git index-pack', async () => {
    const refPack = await packObjects(bare, ['--revs', '--all'], '');
    const result = indexPack(refPack);
    assert.ok(result.idx.equals(await gitIndexPack(root, refPack)), 'byte-identical index');
  });

  it('refuses a thin pack (a delta whose base it does not carry), as git index-pack does', () => {
    // One REF_DELTA entry naming a base absent from the pack: copy 5 bytes of a 12-byte base.
    const delta = Buffer.from([12, 5, 0x91, 0, 5]);
    const body = Buffer.concat([
      Buffer.from('PACK'),
      Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, (7 << 4) | delta.length]),
      Buffer.alloc(20, 0xab),
      deflateSync(delta),
    ]);
    const thin = Buffer.concat([body, createHash('sha1').update(body).digest()]);
    assert.throws(
      () => indexPack(thin),
      (e: unknown) =>
        e instanceof GitProtocolError && /base is missing \(a thin pack/.test(e.message),
    );
    const git = spawnSync('git', ['index-pack', '--stdin'], {
      cwd: bare,
      env: GIT_ENV,
      input: thin,
    });
    assert.match(git.stderr.toString(), /unresolved delta/, 'git refuses it too');
  });

  it('refuses a pack cut short, and an entry that does not inflate', () => {
    const indexer = new PackIndexer();
    indexer.push(pack.subarray(0, pack.length - 100));
    assert.throws(() => indexer.finish(), GitProtocolError);
    const garbled = Buffer.from(pack);
    garbled.fill(0xff, 40, 60);
    assert.throws(() => indexPack(garbled), GitProtocolError);
  });

  it('refuses a corrupt pack', () => {
    const broken = Buffer.from(pack);
    broken[100] = (broken[100] ?? 0) ^ 0xff;
    assert.throws(() => indexPack(broken), GitProtocolError);
    assert.throws(() => indexPack(Buffer.from('PACK')), GitProtocolError);
  });

  it('applies copy and insert delta instructions', () => {
    const base = Buffer.from('hello, world');
    // source size 12, target size 11: copy base[7..12) "world", insert " hi", copy base[0..3) "hel"
    const delta = Buffer.from([12, 11, 0x91, 7, 5, 3, 0x20, 0x68, 0x69, 0x90, 3]);
    assert.equal(applyDelta(base, delta).toString(), 'world hihel');
    assert.throws(() => applyDelta(Buffer.from('short'), delta), GitProtocolError);
  });
});
