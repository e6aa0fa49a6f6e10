import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitSigningSchema } from '../../../src/config/sections/git-signing.js';

describe('git.signing config section', () => {
  it('accepts both formats with an optional passphrase file', () => {
    assert.deepEqual(gitSigningSchema.parse({ format: 'ssh', keyFile: '/k' }), {
      format: 'ssh',
      keyFile: '/k',
    });
    assert.deepEqual(
      gitSigningSchema.parse({ format: 'openpgp', keyFile: '/k.asc', passphraseFile: '/p' }),
      { format: 'openpgp', keyFile: '/k.asc', passphraseFile: '/p' },
    );
  });

  const bad: [unknown, string][] = [
    [{ keyFile: '/k' }, 'format'],
    [{ format: 'x509', keyFile: '/k' }, 'format'],
    [{ format: 'ssh' }, 'keyFile'],
    [{ format: 'ssh', keyFile: '' }, 'keyFile'],
    [{ format: 'ssh', keyFile: '/k', passphrase: 'inline secret' }, 'passphrase'],
  ];
  for (const [input, field] of bad) {
    it(`refuses ${JSON.stringify(input)} (${field})`, () => {
      const result = gitSigningSchema.safeParse(input);
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error.issues), new RegExp(field));
    });
  }
});
