/**
 * Flux v1 exactness: the cases Flux v1 publishes for its tag filters (fluxcd/flux
 * pkg/policy/pattern_test.go: glob, semver and regexp matches) and its ordering rules
 * (pkg/image/image.go NewerBySemver), read through tagpilot with Flux v1 semantics. Flux's
 * empty-string cases are left out: an image tag is never empty.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accepts,
  parsePolicy,
  policyForContainer,
  policyFromAnnotations,
  PolicyError,
  select,
} from '../../src/policy/index.js';

describe('Flux v1 filters: the published match cases', () => {
  const cases: [string, string[], string[]][] = [
    ['*', ['1', 'foo'], []],
    ['glob:*', ['1', 'foo'], []],
    ['master-*', ['master-', 'master-foo'], ['foo-master']],
    ['semver:*', ['1', '1.0', 'v1.0.3'], ['latest', '2.0.1-alpha.1']],
    ['semver:~1', ['v1', '1', '1.2', '1.2.3'], ['latest', '2.0.0']],
    ['semver:2.0.1-alpha.1', ['2.0.1-alpha.1'], ['2.0.1']],
    ['regexp:(.*?)', ['1', 'foo'], []],
    ['regexp:^([a-zA-Z]+)$', ['foo', 'BAR', 'fooBAR'], ['1', 'foo-1']],
    ['regex:^\\w{7}(?:\\w)?$', ['af14eb2', 'bb73ed94', '946427ff'], ['1', 'foo', '946427ff-foo']],
  ];
  for (const [expression, yes, no] of cases) {
    it(expression, () => {
      const policy = parsePolicy(expression, 'flux-v1');
      for (const tag of yes) assert.equal(accepts(policy, tag), true, `${tag} should match`);
      for (const tag of no) assert.equal(accepts(policy, tag), false, `${tag} should not match`);
    });
  }

  it('the same annotations read with tagpilot semantics are strict', () => {
    assert.equal(accepts(parsePolicy('semver:~1'), '1.2'), false);
    assert.equal(accepts(parsePolicy('semver:~1'), 'v1'), false);
    assert.equal(accepts(parsePolicy('semver:~1'), '1.2.3'), true);
  });
});

describe('Flux v1 ordering', () => {
  it('semver: 1.10.0 ranks above 1.10 (equal versions, the explicit one wins)', () => {
    const decision = select(parsePolicy('semver:*', 'flux-v1'), undefined, [
      { tag: '1.10' },
      { tag: '1.10.0' },
      { tag: '1.9.9' },
    ]);
    assert.equal(decision.kind === 'update' ? decision.to.tag : decision.kind, '1.10.0');
  });

  it('semver: a lenient all-digit tag is a version, as in Flux v1 (fluxcd/flux#2729)', () => {
    const decision = select(parsePolicy('semver:*', 'flux-v1'), '1.2.3', [
      { tag: '1.2.3' },
      { tag: '8675309' },
    ]);
    assert.equal(decision.kind === 'update' ? decision.to.tag : decision.kind, '8675309');
  });

  it('glob: newest image creation time first', () => {
    const decision = select(parsePolicy('master-*', 'flux-v1'), 'master-a', [
      { tag: 'master-a', created: Date.parse('2020-01-01T00:00:00Z') },
      { tag: 'master-b', created: Date.parse('2020-03-01T00:00:00Z') },
      { tag: 'master-c', created: Date.parse('2020-02-01T00:00:00Z') },
    ]);
    assert.equal(decision.kind === 'update' ? decision.to.tag : decision.kind, 'master-b');
  });
});

describe('Flux v1 annotations, end to end', () => {
  it('the fluxctl docs example: automated + tag.podinfod semver:~1.3', () => {
    const workload = policyFromAnnotations({
      'fluxcd.io/automated': 'true',
      'fluxcd.io/tag.podinfod': 'semver:~1.3',
    });
    const entry = policyForContainer(workload, 'podinfod');
    assert.ok(entry !== undefined && !(entry instanceof PolicyError));
    const decision = select(entry.policy, '1.3.0', [
      { tag: '1.3.0' },
      { tag: '1.3' },
      { tag: '1.3.5' },
      { tag: '1.4.0' },
    ]);
    assert.ok(decision.kind === 'update');
    assert.equal(decision.to.tag, '1.3.5');
    assert.equal(decision.reason.semantics, 'flux-v1');
  });

  it('an invalid semver range is an error, not "match anything" as in Flux v1', () => {
    const workload = policyFromAnnotations({
      'fluxcd.io/automated': 'true',
      'fluxcd.io/tag.app': 'semver:not valid',
    });
    assert.ok(policyForContainer(workload, 'app') instanceof PolicyError);
  });
});
