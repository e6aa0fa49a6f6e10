import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accepts, compareTags, parsePolicy, type Semantics } from '../../src/policy/index.js';

describe('accepts: the filter step alone', () => {
  const cases: [string, Semantics, string, boolean][] = [
    ['semver:~1.4', 'tagpilot', '1.4.9', true],
    ['semver:~1.4', 'tagpilot', '1.5.0', false],
    ['semver:~1.4', 'tagpilot', '1.4.9-rc.1', false],
    ['semver:>=1.4.0-0', 'tagpilot', '2.0.0-rc.1', true],
    ['semver:*', 'tagpilot', '1234567', false],
    ['semver:*', 'flux-v1', '1234567', true],
    ['semver:~1.0', 'flux-v1', 'v1', true],
    ['semver:~1.0', 'tagpilot', 'v1', false],
    ['semver-lenient:~1.0', 'tagpilot', 'v1', true],
    ['glob:*', 'tagpilot', 'latest', false],
    ['glob:*', 'flux-v1', 'Latest', false],
    ['glob:latest', 'tagpilot', 'latest', true],
    ['glob:!*-rc*', 'tagpilot', '1.0-rc1', false],
    ['glob:!*-rc*', 'tagpilot', '1.0', true],
    ['glob:dev-*', 'flux-v1', 'dev-1', true],
    ['glob:dev-{a,b}', 'flux-v1', 'dev-a', false],
    ['glob:dev-{a,b}', 'tagpilot', 'dev-a', true],
    ['regex:^v\\d+$', 'tagpilot', 'v12', true],
    ['regex:\\d+', 'tagpilot', 'v12', false],
    ['regex:\\d+', 'flux-v1', 'v12', true],
    ['regexp:^stg', 'flux-v1', 'stg-1', true],
    ['numeric:asc', 'tagpilot', '0042', true],
    ['numeric:asc', 'tagpilot', '1e3', false],
    ['numeric:asc', 'tagpilot', '1.2.3', false],
    ['alpha:asc', 'tagpilot', 'anything', true],
    ['regex:^b-(?P<ts>\\d+)$', 'tagpilot', 'b-17', true],
    ['regex:^b-(?P<ts>.+)$', 'tagpilot', 'b-x', false],
    ['regex:^r-(?P<version>.+)$', 'tagpilot', 'r-1.2.3', true],
    ['regex:^r-(?P<version>.+)$', 'tagpilot', 'r-1.2', false],
  ];
  for (const [expression, semantics, tag, expected] of cases) {
    it(`${semantics} ${expression} ${expected ? 'accepts' : 'rejects'} ${tag}`, () => {
      assert.equal(accepts(parsePolicy(expression, semantics), tag), expected);
    });
  }

  it('runs a pathological pattern in linear time (RE2, no backtracking)', () => {
    // (a+)+$ against "aaaa...b" takes exponential time in a backtracking engine; here the
    // result must simply come back (a hang would time the test runner out).
    const input = `${'a'.repeat(5000)}!`;
    assert.equal(accepts(parsePolicy('regex:(a+)+$', 'flux-v1'), input), false);
    assert.equal(accepts(parsePolicy('regex:(a+)+'), input), false);
    assert.equal(accepts(parsePolicy('regex:(a+)+!'), input), true);
  });
});

describe('compareTags: the ranking the automation layer can reuse', () => {
  const semverPolicy = parsePolicy('semver:*');
  it('orders by the policy, positive when the first ranks higher', () => {
    assert.ok(compareTags(semverPolicy, '1.10.0', '1.9.0') > 0);
    assert.ok(compareTags(semverPolicy, '1.9.0', '1.10.0') < 0);
    assert.equal(compareTags(semverPolicy, '1.2.3', '1.2.3'), 0);
  });

  it('equal precedence: the current tag wins', () => {
    const options = { current: '1.2.3' };
    assert.ok(compareTags(semverPolicy, '1.2.3', 'v1.2.3', options) > 0);
    assert.ok(compareTags(semverPolicy, 'v1.2.3', '1.2.3', options) < 0);
    assert.ok(compareTags(semverPolicy, '1.2.3+zzz', '1.2.3', options) < 0);
  });

  it('equal precedence: then the same v prefix as the current tag', () => {
    const options = { current: 'v1.0.0' };
    assert.ok(compareTags(semverPolicy, 'v1.2.3', '1.2.3+longer', options) > 0);
    assert.ok(compareTags(semverPolicy, '1.2.3+longer', 'v1.2.3', { current: '1.0.0' }) > 0);
  });

  it('equal precedence: then the longer string, then the lexically greater', () => {
    const lenient = parsePolicy('semver-lenient:*');
    assert.ok(compareTags(lenient, '1.10.0', '1.10') > 0);
    assert.ok(compareTags(semverPolicy, '1.2.3+b', '1.2.3+a') > 0);
  });

  it('desc policies rank the smaller value higher', () => {
    assert.ok(compareTags(parsePolicy('numeric:desc'), '2', '10') > 0);
    assert.ok(compareTags(parsePolicy('alpha:desc'), 'a', 'b') > 0);
  });

  it('build time comes from the times map; tags without a key rank lowest', () => {
    const glob = parsePolicy('glob:*');
    const times = new Map([
      ['old', 1000],
      ['new', 2000],
      ['epoch', 0],
    ]);
    assert.ok(compareTags(glob, 'new', 'old', { times }) > 0);
    assert.ok(compareTags(glob, 'epoch', 'old', { times }) < 0);
    assert.ok(compareTags(semverPolicy, 'not-a-version', '0.0.1') < 0);
  });
});
