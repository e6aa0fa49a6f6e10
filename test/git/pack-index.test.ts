/** The native pack indexer against `git index-pack`: byte-identical `.idx`, deltas included. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GitProtocolError } from '../../src/git/errors.js';
import { applyDelta, indexPack } from '../../src/git/pack-index.js';
import { createBareRepo, GIT_ENV, gitCli, tempDir } from '../support/git/repos.js';

const run = promisify(execFile);

describe('indexPack', () => {
  let root: string;
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
    const { bare } = await createBareRepo(root, 'deltas.git', commits);
    await gitCli(['gc', '-q', '--aggressive', '--prune=now'], bare);
    const packDir = path.join(bare, 'objects', 'pack');
    const name = (await readdir(packDir)).find((file) => file.endsWith('.pack'))!;
    pack = await readFile(path.join(packDir, name));
    gitIdx = await readFile(path.join(packDir, name.replace(/\.pack$/, '.idx')));
    const verify = await run('git', ['verify-pack', '-v', path.join(packDir, name)], {
      env: GIT_ENV,
    });
    assert.match(verify.stdout, /chain length = [1-9]/, 'the fixture pack holds deltas');
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
