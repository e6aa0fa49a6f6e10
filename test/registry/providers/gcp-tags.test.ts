import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { googleTagListMetadata } from '../../../src/registry/providers/index.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('googleTagListMetadata', () => {
  it('maps every tag of every digest, preferring upload time (Artifact Registry has timeCreatedMs "0")', () => {
    const page = {
      name: 'project/app',
      tags: ['1.0', 'latest', '0.9'],
      child: [],
      manifest: {
        [D1]: {
          imageSizeBytes: '0',
          mediaType: 'application/vnd.oci.image.index.v1+json',
          tag: ['1.0', 'latest'],
          timeCreatedMs: '0',
          timeUploadedMs: '1767225600000',
        },
        [D2]: { tag: ['0.9'], timeCreatedMs: '1700000000000', timeUploadedMs: '0' },
      },
    };
    const result = googleTagListMetadata(page);
    assert.deepEqual(Object.fromEntries(result), {
      '1.0': { digest: D1, pushed: 1_767_225_600_000 },
      latest: { digest: D1, pushed: 1_767_225_600_000 },
      '0.9': { digest: D2, pushed: 1_700_000_000_000 },
    });
  });

  const table: [string, unknown, number][] = [
    ['a plain OCI tag list', { name: 'a', tags: ['1'] }, 0],
    ['no object at all', 'not json', 0],
    ['a malformed manifest map', { manifest: [1, 2] }, 0],
    ['a key that is not a digest', { manifest: { 'not a digest': { tag: ['x'] } } }, 0],
    ['an untagged digest', { manifest: { [D1]: { timeUploadedMs: '1' } } }, 0],
  ];
  for (const [name, body, size] of table) {
    it(`gives ${size} entries for ${name}`, () => {
      assert.equal(googleTagListMetadata(body).size, size);
    });
  }

  it('keeps the digest but no time when both times are zero or garbage', () => {
    const result = googleTagListMetadata({
      manifest: { [D1]: { tag: ['t'], timeUploadedMs: '0', timeCreatedMs: '-5' } },
    });
    assert.deepEqual(result.get('t'), { digest: D1 });
  });
});
