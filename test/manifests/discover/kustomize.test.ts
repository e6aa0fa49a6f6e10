import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policySource, run, shapeText, slotById, yaml } from './helpers.js';

const KUSTOMIZATION = yaml(
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'metadata:',
  '  name: prod',
  '  annotations:',
  '    tagpilot.io/automated: "true"',
  '    tagpilot.io/tag.api: semver:~1.4',
  'resources:',
  '  - deployment.yaml',
  'images:',
  '  - name: ghcr.io/acme/api',
  '    newTag: 1.4.2',
  '  - name: nginx',
  '    newName: registry.example.com/mirror/nginx',
  "    newTag: '1.25'",
  '  - name: redis',
  '    digest: sha256:' + 'b'.repeat(64),
  '  - name: renamed-only',
  '    newName: ghcr.io/acme/other',
);

describe('discover: Kustomize images', () => {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    it(`reads images: entries of ${name}`, () => {
      const result = run({ [`overlays/prod/${name}`]: KUSTOMIZATION });
      assert.deepEqual(
        result.slots.map((s) => [s.id, s.container, s.current.original]),
        [
          [`overlays/prod/${name}#.images[0]`, 'api', 'ghcr.io/acme/api:1.4.2'],
          [`overlays/prod/${name}#.images[1]`, 'nginx', 'registry.example.com/mirror/nginx:1.25'],
          [`overlays/prod/${name}#.images[2]`, 'redis', `redis@sha256:${'b'.repeat(64)}`],
        ],
      );
    });
  }

  it('gives parts ranges for newName, newTag and digest', () => {
    const result = run({ 'k/kustomization.yaml': KUSTOMIZATION });
    assert.deepEqual(
      shapeText(KUSTOMIZATION, slotById(result, 'k/kustomization.yaml#.images[0]')),
      { tag: '1.4.2' },
    );
    assert.deepEqual(
      shapeText(KUSTOMIZATION, slotById(result, 'k/kustomization.yaml#.images[1]')),
      {
        repository: 'registry.example.com/mirror/nginx',
        tag: "'1.25'",
      },
    );
    assert.deepEqual(
      shapeText(KUSTOMIZATION, slotById(result, 'k/kustomization.yaml#.images[2]')),
      {
        digest: `sha256:${'b'.repeat(64)}`,
      },
    );
  });

  it("takes policies from the Kustomization's own annotations by the name's last segment", () => {
    const result = run({ 'k/kustomization.yaml': KUSTOMIZATION });
    const slot = slotById(result, 'k/kustomization.yaml#.images[0]');
    assert.equal(policySource(slot), 'semver:~1.4');
    assert.equal(slot.source, 'kustomize');
    assert.equal(slot.workload, undefined);
    assert.equal(policySource(slotById(result, 'k/kustomization.yaml#.images[1]')), 'glob:*');
  });

  it('a marker on newTag gives that entry its policy', () => {
    const text = yaml(
      'images:',
      '  - name: ghcr.io/acme/api',
      '    newTag: 1.4.2 # {"tagpilot": "semver:^1"}',
    );
    const slot = slotById(run({ 'kustomization.yaml': text }), 'kustomization.yaml#.images[0]');
    assert.equal(policySource(slot), 'semver:^1');
    assert.equal(slot.fromMarker, true);
  });

  it('images: in a file not named like a kustomization is not read', () => {
    assert.deepEqual(run({ 'k/other.yaml': KUSTOMIZATION }).slots, []);
  });
});
