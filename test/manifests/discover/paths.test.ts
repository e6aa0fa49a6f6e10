import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  configuredRoot,
  normalizePath,
  resolveFrom,
  rootOf,
} from '../../../src/manifests/discover/roots.js';

describe('roots: path helpers', () => {
  const normal: [string, string][] = [
    ['apps/a.yaml', 'apps/a.yaml'],
    ['./apps/a.yaml', 'apps/a.yaml'],
    ['apps/', 'apps'],
    ['apps//x/../a.yaml', 'apps/a.yaml'],
    ['.', ''],
    ['./', ''],
    ['', ''],
    ['apps\\win\\a.yaml', 'apps/win/a.yaml'],
    ['apps/.hidden/a.yaml', 'apps/.hidden/a.yaml'],
  ];
  for (const [input, expected] of normal)
    it(`normalizePath(${JSON.stringify(input)}) = ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizePath(input), expected);
    });

  it('configuredRoot picks the most specific configured path', () => {
    assert.equal(
      configuredRoot('clusters/prod/a.yaml', ['', 'clusters', 'clusters/prod']),
      'clusters/prod',
    );
    assert.equal(configuredRoot('clusters/prodx/a.yaml', ['clusters/prod']), undefined);
  });

  it('rootOf takes the nearest kustomization directory, never above the configured path', () => {
    const dirs = new Set(['', 'clusters/prod', 'clusters/prod/apps']);
    assert.equal(rootOf('clusters/prod/apps/api/d.yaml', '', dirs), 'clusters/prod/apps');
    assert.equal(rootOf('clusters/prod/d.yaml', 'clusters/prod', dirs), 'clusters/prod');
    assert.equal(rootOf('infra/x.yaml', 'infra', dirs), 'infra');
    assert.equal(rootOf('x.yaml', '', dirs), '.');
  });

  it('resolveFrom resolves relative kustomization paths and refuses ones outside the repository', () => {
    assert.equal(resolveFrom('overlays/prod', '../../base/deploy.yaml'), 'base/deploy.yaml');
    assert.equal(resolveFrom('', './patch.yaml'), 'patch.yaml');
    assert.equal(resolveFrom('a', '../../x.yaml'), undefined);
    assert.equal(resolveFrom('a', 'https://example.com/x.yaml'), undefined);
  });
});
