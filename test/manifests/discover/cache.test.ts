import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscoveryCache, discover } from '../../../src/manifests/index.js';
import { file, yaml } from './helpers.js';

const pod = (name: string, tag: string): string =>
  yaml(
    'kind: Pod',
    `metadata: {name: ${name}}`,
    'spec:',
    '  containers:',
    '    - name: a',
    `      image: nginx:${tag}`,
  );

describe('discover: the blob cache', () => {
  it('parses each blob once; changed files only on the next run', () => {
    const cache = new DiscoveryCache();
    const files = Array.from({ length: 20 }, (_, i) =>
      file(`apps/p${i}.yaml`, pod(`p${i}`, '1.25')),
    );
    const cold = discover(files, {}, cache);
    assert.equal(cold.parsed, 20);
    assert.equal(cold.cacheHits, 0);
    assert.equal(cache.size, 20);

    const changed = files.map((f, i) => (i < 3 ? file(f.path, pod(`p${i}`, '1.27')) : f));
    const warm = discover(changed, {}, cache);
    assert.equal(warm.parsed, 3);
    assert.equal(warm.cacheHits, 17);
    assert.deepEqual(
      warm.slots.filter((s) => s.current.tag === '1.27').map((s) => s.id),
      ['default:pod/p0/a', 'default:pod/p1/a', 'default:pod/p2/a'],
    );
    // Results from the cache equal a fresh run's.
    assert.deepEqual(warm.slots, discover(changed).slots);
  });

  it('counts non-UTF-8, malformed and screened-out files once too', () => {
    const cache = new DiscoveryCache();
    const files = [
      file('bad.yaml', new Uint8Array([0xff, 0xfe, 0x00])),
      file('broken.yaml', 'image: [\n'),
      file('cm.yaml', 'kind: ConfigMap\n'),
    ];
    const first = discover(files, {}, cache);
    assert.equal(first.parsed, 1);
    const second = discover(files, {}, cache);
    assert.equal(second.parsed, 0);
    assert.equal(second.cacheHits, 3);
    assert.deepEqual(second.notes, first.notes);
  });

  it('one blob at two paths is parsed once and gives each path its own ids', () => {
    const cache = new DiscoveryCache();
    const text = yaml('image: nginx:1.25 # {"tagpilot": "semver:^1"}');
    const result = discover([file('a/values.yaml', text), file('b/values.yaml', text)], {}, cache);
    assert.equal(result.parsed, 1);
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['a/values.yaml#.image', 'b/values.yaml#.image'],
    );
  });

  it('the default namespace is part of the key', () => {
    const cache = new DiscoveryCache();
    const files = [file('p.yaml', pod('p', '1'))];
    discover(files, { defaultNamespace: 'a' }, cache);
    const other = discover(files, { defaultNamespace: 'b' }, cache);
    assert.equal(other.parsed, 1);
    assert.deepEqual(
      other.slots.map((s) => s.id),
      ['b:pod/p/a'],
    );
  });

  it('prune drops blobs no run has looked up since the last prune', () => {
    const cache = new DiscoveryCache();
    discover([file('a.yaml', pod('a', '1')), file('b.yaml', pod('b', '1'))], {}, cache);
    assert.equal(cache.prune(), 0);
    discover([file('a.yaml', pod('a', '1'))], {}, cache);
    assert.equal(cache.prune(), 1);
    assert.equal(cache.size, 1);
  });
});
