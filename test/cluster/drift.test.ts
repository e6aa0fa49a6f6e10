import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDrift, policyDrift } from '../../src/cluster/drift.js';

describe('policyDrift', () => {
  it('reports changed, added and removed policy annotations only', () => {
    const git = {
      'tagpilot.io/tag.api': 'semver:^1',
      'fluxcd.io/automated': 'true',
      'tagpilot.io/locked': 'false',
      team: 'a',
    };
    const live = {
      'tagpilot.io/tag.api': 'semver:^2',
      'fluxcd.io/automated': 'true',
      'tagpilot.io/suspend': 'true',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '7',
      team: 'b',
    };
    const drift = policyDrift(git, live);
    assert.deepEqual(drift, [
      { key: 'tagpilot.io/locked', git: 'false', live: undefined },
      { key: 'tagpilot.io/suspend', git: undefined, live: 'true' },
      { key: 'tagpilot.io/tag.api', git: 'semver:^1', live: 'semver:^2' },
    ]);
    assert.equal(
      describeDrift(drift),
      'tagpilot.io/locked: "false" in Git, absent live; tagpilot.io/suspend: absent in Git, "true" live; tagpilot.io/tag.api: "semver:^1" in Git, "semver:^2" live',
    );
  });

  it('no drift when they agree (other annotations ignored)', () => {
    assert.deepEqual(
      policyDrift({ 'fluxcd.io/tag.web': 'glob:1.*' }, { 'fluxcd.io/tag.web': 'glob:1.*', x: 'y' }),
      [],
    );
  });
});
