import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareNatural,
  compareVersions,
  parseLenientVersion,
  parseStrictVersion,
} from '../../src/policy/semver-order.js';

describe('strict versions (tagpilot): SemVer 2.0.0 with an optional v', () => {
  const cases: [string, string | undefined][] = [
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2.3+build.7', '1.2.3'],
    ['1.2.3-beta+exp.sha.5114f85', '1.2.3-beta'],
    // Not versions under strict rules: short forms, all-digit SHAs, junk.
    ['1', undefined],
    ['1.0', undefined],
    ['v1', undefined],
    ['1234567', undefined],
    ['01.2.3', undefined],
    ['1.2.3-01', undefined],
    ['V1.2.3', undefined],
    ['=1.2.3', undefined],
    ['latest', undefined],
    ['1.2.3.4', undefined],
  ];
  for (const [tag, version] of cases) {
    it(`${tag} → ${version ?? 'not a version'}`, () => {
      assert.equal(parseStrictVersion(tag)?.version, version);
    });
  }
});

describe('lenient versions (Flux v1, semver-lenient:): Masterminds shapes', () => {
  const cases: [string, string | undefined][] = [
    ['1', '1.0.0'],
    ['1.0', '1.0.0'],
    ['v1', '1.0.0'],
    ['v1.2', '1.2.0'],
    ['1.2.3', '1.2.3'],
    ['1.2-rc.1', '1.2.0-rc.1'],
    ['1234567', '1234567.0.0'],
    ['01.02.03', '1.2.3'],
    ['1.2.3+meta', '1.2.3'],
    ['1.2.3-01', undefined],
    ['1.2.3.4', undefined],
    ['v', undefined],
    ['abc', undefined],
    ['1.2.3-', undefined],
  ];
  for (const [tag, version] of cases) {
    it(`${tag} → ${version ?? 'not a version'}`, () => {
      assert.equal(parseLenientVersion(tag)?.version, version);
    });
  }
});

describe('ordering: SemVer precedence plus numeric suffixes (rc10 > rc9)', () => {
  // Each pair: left ranks strictly below right.
  const ascending: [string, string][] = [
    ['1.0.0', '1.0.1'],
    ['1.9.0', '1.10.0'],
    ['1.0.0-rc.1', '1.0.0'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-rc.9', '1.0.0-rc.10'],
    // The extension: SemVer alone would order these lexically the other way round.
    ['1.0.0-rc9', '1.0.0-rc10'],
    ['1.0.0-beta2', '1.0.0-beta11'],
    ['1.0.0-rc1a', '1.0.0-rc10a'],
    // Numeric identifiers still rank below alphanumeric ones.
    ['1.0.0-99', '1.0.0-a1'],
    // Different prefixes compare as text.
    ['1.0.0-beta9', '1.0.0-rc1'],
  ];
  for (const [low, high] of ascending) {
    it(`${low} < ${high}`, () => {
      const a = parseStrictVersion(low)!;
      const b = parseStrictVersion(high)!;
      assert.ok(compareVersions(a, b) < 0);
      assert.ok(compareVersions(b, a) > 0);
    });
  }

  it('ignores build metadata', () => {
    assert.equal(
      compareVersions(parseStrictVersion('1.2.3+a')!, parseStrictVersion('1.2.3+b')!),
      0,
    );
  });

  it('keeps the order total when digit runs are equal (rc09 vs rc9)', () => {
    assert.ok(compareNatural('rc09', 'rc9') < 0);
    assert.ok(compareNatural('rc9', 'rc09') > 0);
    assert.equal(compareNatural('rc9', 'rc9'), 0);
  });

  it('compares long digit runs exactly, beyond 2^53', () => {
    assert.ok(compareNatural('b9007199254740993', 'b9007199254740992') > 0);
  });
});
