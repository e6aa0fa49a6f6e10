import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  liveIdentities,
  parseKustomizeTransforms,
  type KustomizeTransforms,
} from '../../src/manifests/live-identity.js';

function k(file: string, text: string): KustomizeTransforms {
  const parsed = parseKustomizeTransforms(file, text);
  assert.ok(parsed !== undefined);
  return parsed;
}

const BASE = k('base/kustomization.yaml', 'resources:\n  - deployment.yaml\nnamePrefix: app-\n');
const PROD = k(
  'overlays/prod/kustomization.yaml',
  'namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\n',
);
const STAGING = k(
  'overlays/staging/kustomization.yaml',
  'namespace: staging\nnameSuffix: -stg\nresources: [../../base]\n',
);
const PLAIN = k('plain/kustomization.yaml', 'resources: [web.yaml]\n');

describe('liveIdentities (kustomize namespace/namePrefix/nameSuffix)', () => {
  const cases: [
    string,
    string,
    { namespace?: string; name: string },
    KustomizeTransforms[],
    string[],
  ][] = [
    [
      'no kustomization: manifest namespace or the default',
      'apps/api.yaml',
      { name: 'api' },
      [],
      ['default/api'],
    ],
    [
      'a file no kustomization lists keeps its identity',
      'base/other.yaml',
      { namespace: 'x', name: 'api' },
      [BASE, PROD],
      ['x/api'],
    ],
    [
      'a kustomization without transforms',
      'plain/web.yaml',
      { namespace: 'web', name: 'web' },
      [PLAIN],
      ['web/web'],
    ],
    [
      'base alone: its own prefix',
      'base/deployment.yaml',
      { name: 'api' },
      [BASE],
      ['default/app-api'],
    ],
    [
      'overlay: outer prefix first, overlay namespace wins',
      'base/deployment.yaml',
      { namespace: 'dev', name: 'api' },
      [BASE, PROD],
      ['prod/prod-app-api'],
    ],
    [
      'two overlays: two live objects',
      'base/deployment.yaml',
      { name: 'api' },
      [BASE, PROD, STAGING],
      ['prod/prod-app-api', 'staging/app-api-stg'],
    ],
  ];
  for (const [what, file, object, kustomizations, expected] of cases) {
    it(what, () => {
      const got = liveIdentities(file, object, 'default', kustomizations).map(
        (identity) => `${identity.namespace}/${identity.name}`,
      );
      assert.deepEqual(got.sort(), [...expected].sort());
    });
  }

  it('survives a cycle between kustomizations', () => {
    const a = k('a/kustomization.yaml', 'resources: [../b, x.yaml]\nnamePrefix: a-\n');
    const b = k('b/kustomization.yaml', 'resources: [../a]\nnamePrefix: b-\n');
    assert.deepEqual(liveIdentities('a/x.yaml', { name: 'x' }, 'default', [a, b]), [
      { namespace: 'default', name: 'b-a-x' },
    ]);
  });

  it('ignores remote and escaping resources, and files that are not mappings', () => {
    assert.deepEqual(
      k('o/kustomization.yaml', 'resources: [https://example.com/x, ../../../up, ok.yaml]\n')
        .resources,
      ['ok.yaml'].map((name) => `o/${name}`),
    );
    assert.equal(parseKustomizeTransforms('x/kustomization.yaml', '- a list\n'), undefined);
  });
});
