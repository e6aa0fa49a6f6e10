import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { registryHostOf } from '../../../src/registry/credentials/index.js';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const host = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 4 }),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  )
  .map(([labels, port]) => `${labels.join('.')}${port === undefined ? '' : `:${String(port)}`}`);
const scheme = fc.constantFrom('', 'https://', 'http://', 'HTTPS://');
const suffix = fc.constantFrom('', '/', '/v1/', '/v2/', '/v2/some/path');
const casing = fc.constantFrom('lower', 'upper', 'mixed');

function recase(text: string, how: string): string {
  if (how === 'upper') return text.toUpperCase();
  if (how === 'mixed')
    return text.replace(/[a-z]/g, (c, i: number) => (i % 2 === 0 ? c.toUpperCase() : c));
  return text;
}

describe('registryHostOf (properties)', () => {
  it('reduces any spelling of a key to its lower-case host', () => {
    fc.assert(
      fc.property(host, scheme, suffix, casing, (h, s, p, c) => {
        const expected = ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(h)
          ? 'docker.io'
          : h;
        assert.equal(registryHostOf(`${s}${recase(h, c)}${p}`), expected);
      }),
    );
  });

  it('folds every Docker Hub alias, however written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('docker.io', 'index.docker.io', 'registry-1.docker.io'),
        scheme,
        suffix,
        casing,
        (h, s, p, c) => {
          assert.equal(registryHostOf(`${s}${recase(h, c)}${p}`), 'docker.io');
        },
      ),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(host, scheme, suffix, (h, s, p) => {
        const once = registryHostOf(`${s}${h}${p}`);
        assert.equal(registryHostOf(once), once);
      }),
    );
  });
});
