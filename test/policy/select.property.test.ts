/**
 * Property tests: selection never returns a tag outside the candidates, never downgrades, and
 * does not depend on the order of the candidates. Each expected result comes from an ORACLE
 * written without the implementation's code: for semver, `semver.satisfies` + `semver.rcompare`;
 * for numbers, BigInt; for build time, a plain max over the times.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import semver from 'semver';
import { parsePolicy, select, type Candidate, type Decision } from '../../src/policy/index.js';

const RUNS = 300;

function outcome(decision: Decision): string {
  if (decision.kind === 'keep') return `keep ${decision.tag}`;
  if (decision.kind === 'update') return `${decision.change} ${decision.to.tag}`;
  return `error ${decision.code}`;
}

function chosen(decision: Decision): string | undefined {
  if (decision.kind === 'keep') return decision.tag;
  if (decision.kind === 'update') return decision.to.tag;
  return undefined;
}

/** The same list in another order, driven by fast-check so failures shrink and replay. */
const permutation = <T>(list: readonly T[]) =>
  fc
    .array(fc.nat(), { minLength: list.length, maxLength: list.length })
    .map((keys) => list.map((item, i) => ({ item, key: keys[i] ?? 0, i })))
    .map((pairs) => pairs.sort((a, b) => a.key - b.key || a.i - b.i).map((p) => p.item));

// Prerelease identifiers are purely alphabetic or purely numeric, so SemVer's own order and
// tagpilot's numeric-suffix extension agree and plain `semver.rcompare` is a fair oracle.
const prerelease = fc.array(fc.oneof(fc.constantFrom('alpha', 'beta', 'rc'), fc.nat(12)), {
  minLength: 1,
  maxLength: 2,
});
const version = fc
  .record({
    major: fc.nat(3),
    minor: fc.nat(3),
    patch: fc.nat(3),
    pre: fc.option(prerelease, { nil: undefined }),
  })
  .map(
    ({ major, minor, patch, pre }) =>
      `${major}.${minor}.${patch}${pre === undefined ? '' : `-${pre.join('.')}`}`,
  );
// Noise that strict semver must never pick: short forms, SHAs, latest, words.
const noise = fc.constantFrom(
  'latest',
  'LATEST',
  '1',
  '1.0',
  'v2',
  '1234567',
  '20240101',
  'main',
  'dev-1.2.3',
);

/** Ranges with, by hand, whether they name a prerelease (the oracle's includePrerelease). */
const RANGES: readonly [string, boolean][] = [
  ['*', false],
  ['^1', false],
  ['~1.2', false],
  ['>=1.0.0 <2.0.0', false],
  ['1.x || 3.x', false],
  ['<2', false],
  ['>=1.2.0-0', true],
  ['^2.0.0-0', true],
  ['>=0.1.0-alpha <3.0.0', true],
];

const semverCase = fc
  .record({
    versions: fc.uniqueArray(version, { maxLength: 12 }),
    vPrefix: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    noise: fc.array(noise, { maxLength: 3 }),
    range: fc.constantFrom(...RANGES),
    current: fc.oneof(fc.constant(undefined), version, fc.constant('latest')),
    currentListed: fc.boolean(),
  })
  .map((c) => {
    // One spelling per version (with or without `v`), so no tie-breaks are involved.
    const tags = c.versions.map((v, i) => (c.vPrefix[i] === true ? `v${v}` : v));
    const listed =
      c.current !== undefined &&
      c.currentListed &&
      !tags.some((t) => semver.valid(c.current) !== null && semver.eq(t, c.current ?? ''))
        ? [...tags, c.current]
        : tags;
    return { ...c, tags: [...new Set([...listed, ...c.noise])] };
  });

function semverOracle(
  tags: readonly string[],
  [range, includePrerelease]: readonly [string, boolean],
  current: string | undefined,
): string {
  const satisfies = (tag: string): boolean =>
    semver.valid(tag) !== null && semver.satisfies(tag, range, { includePrerelease });
  // An empty list from the registry is an error, never a reason to keep or change.
  if (tags.length === 0) return 'error NO_CANDIDATES';
  const best = tags.filter(satisfies).sort(semver.rcompare)[0];
  if (current !== undefined && satisfies(current)) {
    return best !== undefined && semver.gt(best, current) ? `update ${best}` : `keep ${current}`;
  }
  if (best === undefined) return 'error NO_MATCH';
  return `${current === undefined ? 'update' : 'policy-change'} ${best}`;
}

describe('select (property): semver against a semver.satisfies + semver.rcompare oracle', () => {
  it('agrees with the oracle', () => {
    fc.assert(
      fc.property(semverCase, ({ tags, range, current }) => {
        const decision = select(
          parsePolicy(`semver:${range[0]}`),
          current,
          tags.map((tag) => ({ tag })),
        );
        assert.equal(outcome(decision), semverOracle(tags, range, current), decision.reason.text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never returns a tag outside the candidates (or the current tag)', () => {
    fc.assert(
      fc.property(semverCase, ({ tags, range, current }) => {
        const decision = select(
          parsePolicy(`semver:${range[0]}`),
          current,
          tags.map((tag) => ({ tag })),
        );
        const tag = chosen(decision);
        if (decision.kind === 'update') assert.ok(tags.includes(decision.to.tag));
        if (decision.kind === 'keep') assert.equal(tag, current);
      }),
      { numRuns: RUNS },
    );
  });

  it('never downgrades a current tag that satisfies the policy', () => {
    fc.assert(
      fc.property(semverCase, ({ tags, range, current }) => {
        const decision = select(
          parsePolicy(`semver:${range[0]}`),
          current,
          tags.map((tag) => ({ tag })),
        );
        const tag = chosen(decision);
        if (
          current === undefined ||
          !semver.satisfies(current, range[0], { includePrerelease: range[1] })
        )
          return;
        // With a satisfying current tag the only error is an empty list; otherwise keep or go up.
        if (tag === undefined) {
          assert.equal(tags.length, 0);
          return;
        }
        assert.ok(semver.gte(tag, current), `${current} → ${tag}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of the candidates', () => {
    fc.assert(
      fc.property(
        semverCase.chain((c) => permutation(c.tags).map((shuffled) => ({ ...c, shuffled }))),
        ({ tags, shuffled, range, current }) => {
          const policy = parsePolicy(`semver:${range[0]}`);
          const a = select(
            policy,
            current,
            tags.map((tag) => ({ tag })),
          );
          const b = select(
            policy,
            current,
            shuffled.map((tag) => ({ tag })),
          );
          assert.deepEqual(b, a);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('select (property): numeric:asc against a BigInt oracle', () => {
  const numericCase = fc.record({
    numbers: fc.uniqueArray(fc.bigInt({ min: 0n, max: 2n ** 70n }), { maxLength: 10 }),
    words: fc.array(fc.constantFrom('latest', 'abc', 'v1', '1.2.3'), { maxLength: 2 }),
    current: fc.option(fc.bigInt({ min: 0n, max: 2n ** 70n }), { nil: undefined }),
  });
  it('picks the largest number and never a smaller one than the current', () => {
    fc.assert(
      fc.property(numericCase, ({ numbers, words, current }) => {
        const tags = [...numbers.map(String), ...words];
        const decision = select(
          parsePolicy('numeric:asc'),
          current?.toString(),
          tags.map((tag) => ({ tag })),
        );
        const max = numbers.reduce<bigint | undefined>(
          (m, n) => (m === undefined || n > m ? n : m),
          undefined,
        );
        let expected: string;
        if (tags.length === 0) expected = 'error NO_CANDIDATES';
        else if (current !== undefined)
          expected = max !== undefined && max > current ? `update ${max}` : `keep ${current}`;
        else expected = max === undefined ? 'error NO_MATCH' : `update ${max}`;
        assert.equal(outcome(decision), expected);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('select (property): glob by build time against a max-time oracle', () => {
  const timedCase = fc
    .uniqueArray(
      fc.record({
        tag: fc.stringMatching(/^t[a-z0-9-]{0,8}$/),
        day: fc.integer({ min: 1, max: 1000 }),
      }),
      {
        selector: (c) => c.tag,
        maxLength: 10,
      },
    )
    .chain((list) =>
      fc.record({
        list: fc.constant(list),
        shuffled: permutation(list),
        currentIndex: fc.nat(Math.max(0, list.length - 1)),
      }),
    );
  it('picks the newest build, never an older one, whatever the order', () => {
    fc.assert(
      fc.property(timedCase, ({ list, shuffled, currentIndex }) => {
        const toCandidates = (l: typeof list): Candidate[] =>
          l.map(({ tag, day }) => ({ tag, pushed: day * 86_400_000 }));
        const current = list[currentIndex]?.tag;
        const policy = parsePolicy('glob:*');
        const decision = select(policy, current, toCandidates(list));
        assert.deepEqual(select(policy, current, toCandidates(shuffled)), decision);
        if (list.length === 0) {
          assert.equal(outcome(decision), 'error NO_CANDIDATES');
          return;
        }
        const newest = Math.max(...list.map((c) => c.day));
        const currentDay = list[currentIndex]?.day ?? 0;
        const tag = chosen(decision);
        const chosenDay = list.find((c) => c.tag === tag)?.day;
        assert.ok(chosenDay !== undefined, 'chosen tag is a candidate');
        assert.ok(chosenDay >= currentDay, 'never older than the current build');
        assert.equal(chosenDay, Math.max(newest, currentDay));
      }),
      { numRuns: RUNS },
    );
  });
});
