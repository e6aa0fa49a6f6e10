import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  policyForContainer,
  policyFromAnnotations,
  PolicyError,
  type ContainerPolicy,
} from '../../src/policy/index.js';

function policyOf(entry: ContainerPolicy | PolicyError | undefined): ContainerPolicy {
  if (entry instanceof PolicyError) assert.fail(entry.message);
  if (entry === undefined) assert.fail('no policy');
  return entry;
}

describe('policyFromAnnotations: automated', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['tagpilot.io/automated: "true"', { 'tagpilot.io/automated': 'true' }, true],
    ['fluxcd.io/automated: "true"', { 'fluxcd.io/automated': 'true' }, true],
    ['flux.weave.works/automated: "true"', { 'flux.weave.works/automated': 'true' }, true],
    ['only the exact string "true" counts: "True"', { 'fluxcd.io/automated': 'True' }, false],
    ['only the exact string "true" counts: "yes"', { 'tagpilot.io/automated': 'yes' }, false],
    ['only the exact string "true" counts: " true"', { 'tagpilot.io/automated': ' true' }, false],
    ['automated: "false" is off', { 'tagpilot.io/automated': 'false' }, false],
    ['no annotation is off', {}, false],
    [
      'a lock turns automation off',
      { 'fluxcd.io/automated': 'true', 'fluxcd.io/locked': 'true' },
      false,
    ],
    [
      'ignore turns automation off',
      { 'tagpilot.io/automated': 'true', 'tagpilot.io/ignore': 'true' },
      false,
    ],
    [
      'ignore: sync_only turns automation off',
      { 'tagpilot.io/automated': 'true', 'fluxcd.io/ignore': 'sync_only' },
      false,
    ],
    [
      'locked: "false" leaves automation on',
      { 'tagpilot.io/automated': 'true', 'tagpilot.io/locked': 'false' },
      true,
    ],
  ];
  for (const [name, annotations, automated] of cases) {
    it(name, () => {
      assert.equal(policyFromAnnotations(annotations).automated, automated);
    });
  }

  it('keeps what the automated annotation said apart from locks, with its key', () => {
    const workload = policyFromAnnotations({
      'flux.weave.works/automated': 'true',
      'flux.weave.works/locked': 'true',
      'flux.weave.works/locked_user': 'Jane <jane@example.com>',
      'flux.weave.works/locked_msg': 'incident 42',
    });
    assert.equal(workload.automated, false);
    assert.equal(workload.automatedAnnotation, true);
    assert.equal(workload.automatedKey, 'flux.weave.works/automated');
    assert.equal(workload.locked, true);
    assert.equal(workload.lockedBy, 'Jane <jane@example.com>');
    assert.equal(workload.lockedMessage, 'incident 42');
  });

  it('warns when automated is neither "true" nor "false"', () => {
    const { warnings } = policyFromAnnotations({ 'fluxcd.io/automated': 'True' });
    const [warning, ...more] = warnings;
    assert.ok(warning !== undefined);
    assert.equal(more.length, 0);
    assert.deepEqual(warning.keys, ['fluxcd.io/automated']);
    assert.match(warning.message, /"True" is not "true", so automation is off/);
  });

  it('reads lock user and message in every spelling', () => {
    for (const prefix of ['tagpilot.io/', 'fluxcd.io/', 'flux.weave.works/']) {
      const workload = policyFromAnnotations({
        [`${prefix}locked`]: 'true',
        [`${prefix}locked_user`]: 'ops',
        [`${prefix}locked_msg`]: 'frozen',
      });
      assert.equal(workload.locked, true, prefix);
      assert.equal(workload.lockedBy, 'ops', prefix);
      assert.equal(workload.lockedMessage, 'frozen', prefix);
    }
  });

  it('reads ignore in every spelling, true and sync_only', () => {
    assert.equal(policyFromAnnotations({ 'tagpilot.io/ignore': 'true' }).ignored, 'true');
    assert.equal(policyFromAnnotations({ 'fluxcd.io/ignore': 'sync_only' }).ignored, 'sync_only');
    assert.equal(policyFromAnnotations({ 'flux.weave.works/ignore': 'true' }).ignored, 'true');
    assert.equal(policyFromAnnotations({ 'fluxcd.io/ignore': 'false' }).ignored, false);
  });
});

describe('policyFromAnnotations: precedence and conflicts', () => {
  it('tagpilot.io over fluxcd.io over flux.weave.works, with a warning naming both keys', () => {
    const workload = policyFromAnnotations({
      'flux.weave.works/tag.api': 'semver:~1.2',
      'fluxcd.io/tag.api': 'semver:~1.3',
      'tagpilot.io/tag.api': 'semver:~1.4',
      'tagpilot.io/automated': 'true',
    });
    const api = policyOf(workload.containers.get('api'));
    assert.equal(api.key, 'tagpilot.io/tag.api');
    assert.equal(api.policy.source, 'semver:~1.4');
    assert.equal(api.policy.semantics, 'tagpilot');
    const conflicts = workload.warnings.map((w) => w.keys.join(' > '));
    assert.deepEqual(conflicts.sort(), [
      'tagpilot.io/tag.api > flux.weave.works/tag.api',
      'tagpilot.io/tag.api > fluxcd.io/tag.api',
    ]);
    assert.match(
      workload.warnings[0]?.message ?? '',
      /^tagpilot\.io\/tag\.api: "semver:~1\.4" overrides /,
    );
  });

  it('fluxcd.io/tag.<c> over filter.fluxcd.io/<c> over flux.weave.works/tag.<c>', () => {
    const two = policyFromAnnotations({
      'filter.fluxcd.io/web': 'glob:b-*',
      'flux.weave.works/tag.web': 'glob:c-*',
    });
    assert.equal(policyOf(two.containers.get('web')).key, 'filter.fluxcd.io/web');
    const three = policyFromAnnotations({
      'fluxcd.io/tag.web': 'glob:a-*',
      'filter.fluxcd.io/web': 'glob:b-*',
    });
    assert.equal(policyOf(three.containers.get('web')).key, 'fluxcd.io/tag.web');
    assert.deepEqual(three.warnings[0]?.keys, ['fluxcd.io/tag.web', 'filter.fluxcd.io/web']);
  });

  it('a conflict on automated: the higher key wins and both are named', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automated': 'false',
      'fluxcd.io/automated': 'true',
    });
    assert.equal(workload.automated, false);
    assert.equal(workload.automatedKey, 'tagpilot.io/automated');
    assert.deepEqual(workload.warnings[0]?.keys, ['tagpilot.io/automated', 'fluxcd.io/automated']);
  });

  it('the same value in two spellings is no conflict', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automated': 'true',
      'fluxcd.io/automated': 'true',
    });
    assert.deepEqual(workload.warnings, []);
  });

  it('warns about unknown tagpilot.io keys but not about other fluxcd.io bookkeeping', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automate': 'true',
      'fluxcd.io/sync-checksum': 'abc',
      'kubernetes.io/change-cause': 'x',
    });
    assert.equal(workload.warnings.length, 1);
    assert.deepEqual(workload.warnings[0]?.keys, ['tagpilot.io/automate']);
    assert.equal(workload.automated, false);
  });

  it('warns about a tag key that names no container', () => {
    const workload = policyFromAnnotations({ 'tagpilot.io/tag.': 'semver:*' });
    assert.equal(workload.containers.size, 0);
    assert.match(workload.warnings[0]?.message ?? '', /names no container/);
  });
});

describe('policyFromAnnotations: container policies and semantics', () => {
  const spellings: [string, 'tagpilot' | 'flux-v1'][] = [
    ['tagpilot.io/tag.api', 'tagpilot'],
    ['fluxcd.io/tag.api', 'flux-v1'],
    ['flux.weave.works/tag.api', 'flux-v1'],
    ['filter.fluxcd.io/api', 'flux-v1'],
  ];
  for (const [key, semantics] of spellings) {
    it(`${key} parses with ${semantics} semantics`, () => {
      const workload = policyFromAnnotations({ [key]: 'semver:^1' });
      const api = policyOf(workload.containers.get('api'));
      assert.equal(api.key, key);
      assert.equal(api.policy.semantics, semantics);
      assert.equal(
        api.policy.expr.kind === 'semver' && api.policy.expr.lenient,
        semantics === 'flux-v1',
      );
    });
  }

  it('an invalid policy is an error value naming the annotation, expression and reason', () => {
    const workload = policyFromAnnotations({
      'fluxcd.io/automated': 'true',
      'fluxcd.io/tag.api': 'semver:bogus',
      'fluxcd.io/tag.web': 'glob:web-*',
    });
    const error = workload.containers.get('api');
    assert.ok(error instanceof PolicyError);
    assert.equal(error.annotation, 'fluxcd.io/tag.api');
    assert.equal(error.expression, 'semver:bogus');
    assert.match(error.problem, /not a semver range/);
    // The other container still works, and policyForContainer hands the error on.
    assert.equal(policyOf(workload.containers.get('web')).policy.source, 'glob:web-*');
    assert.equal(policyForContainer(workload, 'api'), error);
  });

  it('reads tagpilot.io/pin.<c>: digest', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automated': 'true',
      'tagpilot.io/tag.api': 'semver:^1',
      'tagpilot.io/pin.api': 'digest',
      'tagpilot.io/pin.sidecar': 'digest',
    });
    assert.equal(policyOf(workload.containers.get('api')).pinDigest, true);
    const sidecar = policyOf(workload.containers.get('sidecar'));
    assert.equal(sidecar.pinDigest, true);
    assert.equal(sidecar.policy.isDefault, true);
    assert.equal(sidecar.key, undefined);
  });

  it('an unknown pin value stops the container instead of writing bare tags', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automated': 'true',
      'tagpilot.io/tag.api': 'semver:^1',
      'tagpilot.io/pin.api': 'digests',
    });
    const error = workload.containers.get('api');
    assert.ok(error instanceof PolicyError);
    assert.equal(error.annotation, 'tagpilot.io/pin.api');
  });
});

describe('policyForContainer', () => {
  it('a tag policy without automated does nothing (Flux v1)', () => {
    const workload = policyFromAnnotations({ 'fluxcd.io/tag.api': 'semver:~1.0' });
    assert.equal(policyForContainer(workload, 'api'), undefined);
  });

  it('a locked workload has no policy even with automated and a tag policy', () => {
    const workload = policyFromAnnotations({
      'tagpilot.io/automated': 'true',
      'tagpilot.io/tag.api': 'semver:*',
      'tagpilot.io/locked': 'true',
    });
    assert.equal(policyForContainer(workload, 'api'), undefined);
  });

  it('automated without a tag policy means glob:* by build time, marked default', () => {
    const tagpilot = policyFromAnnotations({ 'tagpilot.io/automated': 'true' });
    const entry = policyOf(policyForContainer(tagpilot, 'api'));
    assert.equal(entry.key, undefined);
    assert.equal(entry.pinDigest, false);
    assert.equal(entry.policy.source, 'glob:*');
    assert.equal(entry.policy.isDefault, true);
    assert.deepEqual(entry.policy.order, { by: 'build-time' });
    assert.equal(entry.policy.semantics, 'tagpilot');
    const flux = policyFromAnnotations({ 'fluxcd.io/automated': 'true' });
    assert.equal(policyOf(policyForContainer(flux, 'api')).policy.semantics, 'flux-v1');
  });

  it('a container with its own policy gets it; others the default', () => {
    const workload = policyFromAnnotations({
      'fluxcd.io/automated': 'true',
      'fluxcd.io/tag.api': 'glob:prod-*',
    });
    assert.equal(policyOf(policyForContainer(workload, 'api')).policy.source, 'glob:prod-*');
    assert.equal(policyOf(policyForContainer(workload, 'init')).policy.isDefault, true);
  });
});
