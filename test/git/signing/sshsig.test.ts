/**
 * The sshsig encoding (OpenSSH PROTOCOL.sshsig) read back field by field, mpint rules (RFC 4251
 * §5), and signatures checked by `ssh-keygen -Y check-novalidate` / `-Y verify`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parsePrivateKey } from '../../../src/git/transport/ssh/index.js';
import { signSshsig, toSigningKey } from '../../../src/git/signing/index.js';
import { sshMpint, sshString } from '../../../src/git/signing/sshsig.js';
import { makeKey } from '../../support/sshd/sshd.js';

const run = promisify(execFile);

/** Reads SSH `string`s off a buffer. */
function reader(buffer: Buffer): { bytes(n: number): Buffer; string(): Buffer; uint32(): number } {
  let offset = 0;
  return {
    bytes(n) {
      const out = buffer.subarray(offset, offset + n);
      offset += n;
      return out;
    },
    uint32() {
      const value = buffer.readUInt32BE(offset);
      offset += 4;
      return value;
    },
    string() {
      const length = this.uint32();
      return this.bytes(length);
    },
  };
}

describe('SSH wire encodings', () => {
  const cases: [number[], string][] = [
    [[], '00000000'],
    [[0, 0, 0x12], '0000000112'],
    [[0x80], '000000020080'],
    [[0x7f, 0xff], '000000027fff'],
    [[0, 0xff, 1], '0000000300ff01'],
  ];
  for (const [input, hex] of cases) {
    it(`mpint ${Buffer.from(input).toString('hex') || '(zero)'} → ${hex}`, () => {
      assert.equal(sshMpint(Uint8Array.from(input)).toString('hex'), hex);
    });
  }
  it('string is a uint32 length then the bytes', () => {
    assert.equal(sshString('git').toString('hex'), '00000003676974');
  });
});

describe('signSshsig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tagpilot-sshsig-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [type, algorithm] of [
    ['ed25519', 'ssh-ed25519'],
    ['ecdsa', 'ecdsa-sha2-nistp256'],
    ['ecdsa384', 'ecdsa-sha2-nistp384'],
    ['ecdsa521', 'ecdsa-sha2-nistp521'],
    ['rsa', 'rsa-sha2-512'],
  ] as const) {
    it(`${type}: blob fields per PROTOCOL.sshsig, accepted by ssh-keygen -Y verify`, async () => {
      const pair = await makeKey(dir, `k_${type}`, type);
      const parsed = parsePrivateKey(await readFile(pair.privateFile), undefined, pair.privateFile);
      const key = toSigningKey(parsed);
      assert.ok(key);
      const message = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nmsg\n');
      const armored = signSshsig(key, message, 'git');

      const lines = armored.trimEnd().split('\n');
      assert.equal(lines[0], '-----BEGIN SSH SIGNATURE-----');
      assert.equal(lines.at(-1), '-----END SSH SIGNATURE-----');
      assert.ok(lines.slice(1, -1).every((l) => l.length <= 70));
      const blob = reader(Buffer.from(lines.slice(1, -1).join(''), 'base64'));
      assert.equal(blob.bytes(6).toString(), 'SSHSIG');
      assert.equal(blob.uint32(), 1);
      assert.equal(
        blob.string().toString('base64'),
        pair.publicLine.split(' ')[1],
        'the public key is embedded',
      );
      assert.equal(blob.string().toString(), 'git');
      assert.equal(blob.string().length, 0, 'reserved is empty');
      assert.equal(blob.string().toString(), 'sha512');
      const signature = reader(blob.string());
      assert.equal(signature.string().toString(), algorithm);

      await writeFile(join(dir, 'msg'), message);
      await writeFile(join(dir, 'msg.sig'), armored);
      await writeFile(join(dir, 'allowed'), `me@example.test ${pair.publicLine}\n`);
      const verify = (namespace: string) =>
        run('sh', [
          '-c',
          `ssh-keygen -Y verify -f "$1" -I me@example.test -n "$2" -s "$3" < "$4"`,
          'sh',
          join(dir, 'allowed'),
          namespace,
          join(dir, 'msg.sig'),
          join(dir, 'msg'),
        ]);
      const { stdout } = await verify('git');
      assert.match(stdout, /Good "git" signature for me@example\.test/);
      // The namespace is bound into the signature: the same bytes do not verify as "file".
      await assert.rejects(verify('file'));
    });
  }
});
