import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultPolicy,
  needsBuildTime,
  parsePolicy,
  PolicyError,
  type PolicyExpr,
  type PolicyOrder,
  type Semantics,
} from '../../src/policy/index.js';

describe('parsePolicy: the grammar', () => {
  const cases: [string, Semantics, PolicyExpr, PolicyOrder][] = [
    [
      'semver:~1.4',
      'tagpilot',
      { kind: 'semver', range: '~1.4', lenient: false },
      { by: 'semver' },
    ],
    [
      'semver: >=1.2.0-0',
      'tagpilot',
      { kind: 'semver', range: '>=1.2.0-0', lenient: false },
      { by: 'semver' },
    ],
    [
      'semver-lenient:^1',
      'tagpilot',
      { kind: 'semver', range: '^1', lenient: true },
      { by: 'semver' },
    ],
    ['semver:~1.0', 'flux-v1', { kind: 'semver', range: '~1.0', lenient: true }, { by: 'semver' }],
    [
      'semver:>=1.0, <2',
      'tagpilot',
      { kind: 'semver', range: '>=1.0, <2', lenient: false },
      { by: 'semver' },
    ],
    ['glob:prod-*', 'tagpilot', { kind: 'glob', pattern: 'prod-*' }, { by: 'build-time' }],
    ['prod-*', 'tagpilot', { kind: 'glob', pattern: 'prod-*' }, { by: 'build-time' }],
    ['*', 'flux-v1', { kind: 'glob', pattern: '*' }, { by: 'build-time' }],
    ['regex:^v\\d+$', 'tagpilot', { kind: 'regex', pattern: '^v\\d+$' }, { by: 'build-time' }],
    ['regexp:^stg.*', 'flux-v1', { kind: 'regex', pattern: '^stg.*' }, { by: 'build-time' }],
    [
      'numeric:asc',
      'tagpilot',
      { kind: 'numeric', direction: 'asc' },
      { by: 'numeric', direction: 'asc' },
    ],
    [
      'numeric:desc',
      'tagpilot',
      { kind: 'numeric', direction: 'desc' },
      { by: 'numeric', direction: 'desc' },
    ],
    [
      'alpha:asc',
      'tagpilot',
      { kind: 'alpha', direction: 'asc' },
      { by: 'alpha', direction: 'asc' },
    ],
    [
      'alpha:desc',
      'tagpilot',
      { kind: 'alpha', direction: 'desc' },
      { by: 'alpha', direction: 'desc' },
    ],
    [
      'regex:^main-[0-9a-f]+-(?P<ts>[0-9]+)$',
      'tagpilot',
      { kind: 'extract', pattern: '^main-[0-9a-f]+-(?P<ts>[0-9]+)$', group: 'ts' },
      { by: 'numeric', direction: 'asc' },
    ],
    [
      'regex:^release-(?<version>.+)$',
      'tagpilot',
      { kind: 'extract', pattern: '^release-(?<version>.+)$', group: 'version' },
      { by: 'semver' },
    ],
    // Flux v1 had no extraction: a named group under its keys is only a group.
    [
      'regex:^main-(?P<ts>[0-9]+)$',
      'flux-v1',
      { kind: 'regex', pattern: '^main-(?P<ts>[0-9]+)$' },
      { by: 'build-time' },
    ],
  ];
  for (const [expression, semantics, expr, order] of cases) {
    it(`${semantics}: ${expression}`, () => {
      const policy = parsePolicy(expression, semantics);
      assert.deepEqual(policy.expr, expr);
      assert.deepEqual(policy.order, order);
      assert.equal(policy.semantics, semantics);
      assert.equal(policy.source, expression.trim());
      assert.equal(policy.isDefault, false);
      assert.equal(needsBuildTime(policy), order.by === 'build-time');
    });
  }

  it('keeps the expression as written (trimmed) in source', () => {
    assert.equal(parsePolicy('  semver:~1.4\n').source, 'semver:~1.4');
  });

  it('the default policy is glob:* by build time, marked isDefault', () => {
    for (const semantics of ['tagpilot', 'flux-v1'] as const) {
      const policy = defaultPolicy(semantics);
      assert.equal(policy.isDefault, true);
      assert.equal(policy.source, 'glob:*');
      assert.equal(policy.semantics, semantics);
      assert.deepEqual(policy.order, { by: 'build-time' });
    }
  });
});

describe('parsePolicy: invalid policies are errors naming annotation, expression and reason', () => {
  const cases: [string, Semantics, RegExp][] = [
    ['', 'tagpilot', /empty/],
    ['   ', 'flux-v1', /empty/],
    ['semver:', 'tagpilot', /semver range is empty/],
    ['semver:not-a-range', 'tagpilot', /"not-a-range" is not a semver range/],
    ['semver:>=1.0 <<2', 'flux-v1', /is not a semver range/],
    ['glob:', 'tagpilot', /glob pattern is empty/],
    ['regex:', 'tagpilot', /regular expression is empty/],
    ['regex:(', 'tagpilot', /bad regular expression: .*missing closing \)/],
    // RE2 has no look-around: a pattern Go would reject is rejected here too.
    ['regexp:^(?=x)', 'flux-v1', /bad regular expression/],
    ['regex:(?P<ts>\\d+)-(?P<version>.*)', 'tagpilot', /either a "ts" group or a "version" group/],
    ['numeric:up', 'tagpilot', /"numeric:" takes "asc" or "desc", not "up"/],
    ['alpha:', 'tagpilot', /"alpha:" takes "asc" or "desc"/],
    ['semvar:~1', 'tagpilot', /unknown policy kind "semvar:"/],
    ['Semver:~1', 'tagpilot', /unknown policy kind "Semver:"/],
    [
      'numeric:asc',
      'flux-v1',
      /"numeric:" is a tagpilot extension; write it in a tagpilot.io\/ annotation/,
    ],
    ['semver-lenient:1', 'flux-v1', /tagpilot extension/],
    ['alpha:asc', 'flux-v1', /tagpilot extension/],
  ];
  for (const [expression, semantics, problem] of cases) {
    it(`${semantics}: ${JSON.stringify(expression)}`, () => {
      const annotation = 'tagpilot.io/tag.api';
      assert.throws(
        () => parsePolicy(expression, semantics, annotation),
        (error: unknown) => {
          assert.ok(error instanceof PolicyError);
          assert.equal(error.code, 'POLICY_INVALID');
          assert.equal(error.transient, false);
          assert.equal(error.annotation, annotation);
          assert.equal(error.expression, expression);
          assert.match(error.problem, problem);
          assert.match(error.message, /^annotation tagpilot\.io\/tag\.api: invalid policy /);
          assert.ok(error.message.includes(JSON.stringify(expression)));
          return true;
        },
      );
    });
  }

  it('says "policy" when no annotation is known', () => {
    assert.throws(
      () => parsePolicy('semver:nope'),
      /^PolicyError: policy: invalid policy "semver:nope"/,
    );
  });
});
