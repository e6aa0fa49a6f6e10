import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parsePolicy,
  select,
  type Candidate,
  type Decision,
  type SelectOptions,
  type Semantics,
} from '../../src/policy/index.js';

const tags = (...list: string[]): Candidate[] => list.map((tag) => ({ tag }));
const DAY = 86_400_000;
/** Candidates with build times: `[tag, day]` pairs, day 0 = unknown. */
const timed = (...list: [string, number][]): Candidate[] =>
  list.map(([tag, day]) => ({ tag, created: day * DAY }));

/** The outcome in one string: `keep X`, `update X`, `policy-change X` or `error CODE`. */
function outcome(decision: Decision): string {
  if (decision.kind === 'keep') return `keep ${decision.tag}`;
  if (decision.kind === 'update') return `${decision.change} ${decision.to.tag}`;
  return `error ${decision.code}`;
}

interface Case {
  readonly name: string;
  readonly policy: string;
  readonly semantics?: Semantics;
  readonly current?: string;
  readonly candidates: Candidate[];
  readonly options?: SelectOptions;
  readonly expect: string;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const policy = parsePolicy(c.policy, c.semantics ?? 'tagpilot');
      const decision = select(policy, c.current, c.candidates, c.options);
      assert.equal(outcome(decision), c.expect, decision.reason.text);
    });
  }
}

describe('select: semver', () => {
  run([
    {
      name: 'highest match wins',
      policy: 'semver:~1.4',
      current: '1.4.2',
      candidates: tags('1.3.9', '1.4.0', '1.4.2', '1.4.3', '1.5.0'),
      expect: 'update 1.4.3',
    },
    {
      name: '"v" prefix allowed and the original tag string returned',
      policy: 'semver:^2',
      current: 'v2.0.0',
      candidates: tags('v2.0.0', 'v2.3.1', 'v2.10.0', 'v3.0.0'),
      expect: 'update v2.10.0',
    },
    {
      name: 'prerelease not eligible when the range names none',
      policy: 'semver:>=1.0.0',
      current: '1.0.0',
      candidates: tags('1.0.0', '1.1.0-rc.1', '2.0.0-beta'),
      expect: 'keep 1.0.0',
    },
    {
      name: 'prerelease of ANY version in range eligible when the range names one',
      policy: 'semver:>=1.2.0-0',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.0-rc.1', '1.2.5'),
      expect: 'update 1.3.0-rc.1',
    },
    {
      name: 'prerelease identifiers compare as SemVer says: rc.10 > rc.9',
      policy: 'semver:>=1.0.0-0',
      current: '1.0.0-rc.9',
      candidates: tags('1.0.0-rc.9', '1.0.0-rc.10', '1.0.0-rc.2'),
      expect: 'update 1.0.0-rc.10',
    },
    {
      name: 'beyond SemVer: numeric suffixes compare as numbers, rc10 > rc9',
      policy: 'semver:>=1.0.0-0',
      current: '1.0.0-rc9',
      candidates: tags('1.0.0-rc9', '1.0.0-rc10', '1.0.0-rc1'),
      expect: 'update 1.0.0-rc10',
    },
    {
      name: 'a release ranks above its own prereleases',
      policy: 'semver:>=1.0.0-0',
      candidates: tags('1.0.0-rc.3', '1.0.0', '1.0.0-rc.10'),
      expect: 'update 1.0.0',
    },
    {
      name: 'strict: 1 and 1.0 are not versions, all-digit SHAs never beat releases',
      policy: 'semver:>=1.0.0',
      current: '1.2.3',
      candidates: tags('1.2.3', '1', '1.0', '20240101', '9999999', '1.2.4'),
      expect: 'update 1.2.4',
    },
    {
      name: 'semver-lenient: opts in to 1 and 1.0 as versions',
      policy: 'semver-lenient:>=2',
      current: '2.0.0',
      candidates: tags('2.0.0', '3', '2.5'),
      expect: 'update 3',
    },
    {
      name: 'equal precedence: the current tag wins',
      policy: 'semver:^1',
      current: '1.2.3',
      candidates: tags('1.2.3', 'v1.2.3', '1.2.3+build.9'),
      expect: 'keep 1.2.3',
    },
    {
      name: 'equal precedence: then the same v-prefix spelling as the current tag',
      policy: 'semver:^1',
      current: 'v1.2.2',
      candidates: tags('1.2.3', 'v1.2.3', 'v1.2.2'),
      expect: 'update v1.2.3',
    },
    {
      name: 'equal precedence: then the longer string (lenient 1.10.0 over 1.10)',
      policy: 'semver-lenient:^1',
      current: '1.9.0',
      candidates: tags('1.10', '1.10.0', '1.9.0'),
      expect: 'update 1.10.0',
    },
    {
      name: 'equal precedence: then lexical order (the greater string)',
      policy: 'semver:^1',
      current: '1.0.0',
      candidates: tags('1.2.3+aaa', '1.2.3+bbb', '1.0.0'),
      expect: 'update 1.2.3+bbb',
    },
    {
      name: 'build metadata ignored for ordering (current +old is not downgraded nor updated)',
      policy: 'semver:^1',
      current: '1.2.3+old',
      candidates: tags('1.2.3+new', '1.2.3+old'),
      expect: 'keep 1.2.3+old',
    },
    {
      name: 'commas mean AND, as in Masterminds ranges',
      policy: 'semver:>=1.2, <1.4',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.7', '1.4.0'),
      expect: 'update 1.3.7',
    },
  ]);
});

describe('select: never downgrade, keep, policy change', () => {
  run([
    {
      name: 'the current tag is kept when it still satisfies the policy and is the best',
      policy: 'semver:~1.4',
      current: '1.4.3',
      candidates: tags('1.4.0', '1.4.3', '1.4.2'),
      expect: 'keep 1.4.3',
    },
    {
      name: 'a lower candidate is never chosen, even when the current tag left the registry',
      policy: 'semver:~1.4',
      current: '1.4.7',
      candidates: tags('1.4.0', '1.4.3'),
      expect: 'keep 1.4.7',
    },
    {
      name: 'the current tag satisfies the policy but nothing else matches: keep',
      policy: 'semver:~1.4',
      current: '1.4.7',
      candidates: tags('2.0.0', 'latest'),
      expect: 'keep 1.4.7',
    },
    {
      name: 'tightened range: the best match is a policy change, even when lower',
      policy: 'semver:~1.4',
      current: '2.0.0',
      candidates: tags('1.4.1', '1.4.9', '2.0.0'),
      expect: 'policy-change 1.4.9',
    },
    {
      name: 'current tag latest: a policy change to the best match',
      policy: 'semver:*',
      current: 'latest',
      candidates: tags('latest', '1.0.0', '1.1.0'),
      expect: 'policy-change 1.1.0',
    },
    {
      name: 'no current tag: a plain update to the best match',
      policy: 'semver:*',
      candidates: tags('1.0.0', '1.1.0'),
      expect: 'update 1.1.0',
    },
    {
      name: 'nothing matches and the current tag does not either: NO_MATCH',
      policy: 'semver:^9',
      current: '1.0.0',
      candidates: tags('1.0.0', '2.0.0'),
      expect: 'error NO_MATCH',
    },
    {
      name: 'no candidates at all: NO_CANDIDATES',
      policy: 'semver:*',
      current: '1.0.0',
      candidates: [],
      expect: 'error NO_CANDIDATES',
    },
    {
      name: 'numeric:desc never "downgrades" to a larger number',
      policy: 'numeric:desc',
      current: '5',
      candidates: tags('5', '7', '9'),
      expect: 'keep 5',
    },
  ]);
});

describe('select: latest', () => {
  run([
    {
      name: 'latest (any case) is never chosen by glob:*',
      policy: 'glob:*',
      current: 'a',
      candidates: timed(['a', 1], ['latest', 9], ['LATEST', 9], ['Latest', 9]),
      expect: 'keep a',
    },
    {
      name: 'latest is never chosen by alpha:asc although it sorts last',
      policy: 'alpha:asc',
      candidates: tags('abc', 'latest', 'Latest'),
      expect: 'update abc',
    },
    {
      name: 'latest is never chosen by regex:.*',
      policy: 'regex:.*',
      candidates: timed(['latest', 5]),
      expect: 'error NO_MATCH',
    },
    {
      name: 'glob:latest chooses latest',
      policy: 'glob:latest',
      candidates: tags('latest', '1.0.0'),
      expect: 'update latest',
    },
    {
      name: 'a bare "latest" is glob:latest',
      policy: 'latest',
      current: 'latest',
      candidates: tags('latest', '1.0.0'),
      expect: 'keep latest',
    },
    {
      name: 'glob:latest* is not exactly glob:latest',
      policy: 'glob:latest*',
      candidates: timed(['latest', 2], ['latest-x', 1]),
      expect: 'update latest-x',
    },
  ]);
});

describe('select: glob and regex order by build time', () => {
  run([
    {
      name: 'newest build wins (created)',
      policy: 'glob:prod-*',
      current: 'prod-a',
      candidates: timed(['prod-a', 1], ['prod-c', 3], ['prod-b', 2], ['dev-z', 9]),
      expect: 'update prod-c',
    },
    {
      name: 'pushed wins over created',
      policy: 'glob:prod-*',
      candidates: [
        { tag: 'prod-a', pushed: 5 * DAY, created: 1 * DAY },
        { tag: 'prod-b', pushed: 2 * DAY, created: 9 * DAY },
      ],
      expect: 'update prod-a',
    },
    {
      name: 'a time of 0 is unknown (falls back to created)',
      policy: 'glob:prod-*',
      candidates: [
        { tag: 'prod-a', pushed: 0, created: 7 * DAY },
        { tag: 'prod-b', pushed: 3 * DAY },
      ],
      expect: 'update prod-a',
    },
    {
      name: 'unknown times: NEEDS_BUILD_TIME instead of guessing',
      policy: 'glob:prod-*',
      current: 'prod-a',
      candidates: timed(['prod-a', 1], ['prod-b', 0]),
      expect: 'error NEEDS_BUILD_TIME',
    },
    {
      name: 'epoch 0 everywhere (reproducible builds): NEEDS_BUILD_TIME',
      policy: 'regex:^prod-.*$',
      candidates: timed(['prod-a', 0], ['prod-b', 0]),
      expect: 'error NEEDS_BUILD_TIME',
    },
    {
      name: 'the current tag without a build time cannot be compared: NEEDS_BUILD_TIME',
      policy: 'glob:prod-*',
      current: 'prod-gone',
      candidates: timed(['prod-a', 1]),
      expect: 'error NEEDS_BUILD_TIME',
    },
    {
      name: 'a single tag needs no time',
      policy: 'glob:prod-*',
      candidates: tags('prod-a', 'dev-b'),
      expect: 'update prod-a',
    },
    {
      name: 'never downgrade by build time',
      policy: 'glob:prod-*',
      current: 'prod-new',
      candidates: timed(['prod-new', 5], ['prod-old', 2]),
      expect: 'keep prod-new',
    },
    {
      name: 'equal times: the current tag wins',
      policy: 'glob:*',
      current: 'b',
      candidates: timed(['a', 3], ['b', 3], ['c', 3]),
      expect: 'keep b',
    },
    {
      name: 'tagpilot regexes match the whole tag',
      policy: 'regex:v1',
      candidates: timed(['v1', 1], ['v10', 2], ['xv1', 3]),
      expect: 'update v1',
    },
    {
      name: 'Flux v1 regexes match anywhere in the tag',
      policy: 'regex:v1',
      semantics: 'flux-v1',
      candidates: timed(['v1', 1], ['v10', 2], ['xv1', 3], ['v2', 4]),
      expect: 'update xv1',
    },
    {
      name: 'minimatch globs: character classes and braces',
      policy: 'glob:{prod,stg}-[0-9]*',
      candidates: timed(['prod-1', 1], ['stg-2', 2], ['dev-3', 3], ['prod-x', 4]),
      expect: 'update stg-2',
    },
    {
      name: 'Flux v1 globs: only * is special (go-glob), so ? and [ are literal',
      policy: 'glob:prod-?',
      semantics: 'flux-v1',
      candidates: timed(['prod-1', 1], ['prod-?', 2]),
      expect: 'update prod-?',
    },
  ]);
});

describe('select: numeric, alpha and extract', () => {
  run([
    {
      name: 'numeric:asc picks the largest number, exactly past 2^53',
      policy: 'numeric:asc',
      current: '9007199254740992',
      candidates: tags('9007199254740992', '9007199254740993', '100', 'abc'),
      expect: 'update 9007199254740993',
    },
    {
      name: 'numeric:asc reads decimals',
      policy: 'numeric:asc',
      candidates: tags('1.5', '1.25', '1.10', '1'),
      expect: 'update 1.5',
    },
    {
      name: 'numeric:desc picks the smallest',
      policy: 'numeric:desc',
      candidates: tags('10', '2', '33'),
      expect: 'update 2',
    },
    {
      name: 'numeric equal values: the longer string wins (007 over 7)',
      policy: 'numeric:asc',
      candidates: tags('7', '007', '6'),
      expect: 'update 007',
    },
    {
      name: 'alpha:asc picks the largest, as Flux v2',
      policy: 'alpha:asc',
      candidates: tags('RELEASE.2024-01-01', 'RELEASE.2024-03-05', 'RELEASE.2023-12-31'),
      expect: 'update RELEASE.2024-03-05',
    },
    {
      name: 'alpha:desc picks the smallest',
      policy: 'alpha:desc',
      candidates: tags('b', 'a', 'c'),
      expect: 'update a',
    },
    {
      name: 'extract ts: order by the named group as a number',
      policy: 'regex:^main-[0-9a-f]+-(?P<ts>[0-9]+)$',
      current: 'main-3f9c2a1-1762772400',
      candidates: tags(
        'main-3f9c2a1-1762772400',
        'main-0a1b2c3-1762858800',
        'main-ffffff0-999',
        'dev-0a1b2c3-1862858800',
      ),
      expect: 'update main-0a1b2c3-1762858800',
    },
    {
      name: 'extract version: order by the named group as semver',
      policy: 'regex:^release-(?P<version>.+)$',
      candidates: tags('release-1.9.0', 'release-1.10.0', 'release-x', '2.0.0'),
      expect: 'update release-1.10.0',
    },
    {
      name: 'extract never downgrades',
      policy: 'regex:^build-(?P<ts>[0-9]+)$',
      current: 'build-50',
      candidates: tags('build-40', 'build-49'),
      expect: 'keep build-50',
    },
  ]);
});

describe('select: rollback hold (options.above)', () => {
  run([
    {
      name: 'only candidates strictly newer than the held tag are eligible',
      policy: 'semver:^1',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.0', '1.4.0'),
      options: { above: '1.3.0' },
      expect: 'update 1.4.0',
    },
    {
      name: 'nothing newer than the held tag: keep, and say it is held',
      policy: 'semver:^1',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.0'),
      options: { above: '1.3.0' },
      expect: 'keep 1.2.0',
    },
    {
      name: 'a hold also keeps a current tag outside the policy',
      policy: 'semver:~1.3',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.0'),
      options: { above: '1.3.0' },
      expect: 'keep 1.2.0',
    },
    {
      name: 'a held tag that cannot be ranked holds everything',
      policy: 'semver:^1',
      current: '1.2.0',
      candidates: tags('1.2.0', '1.3.0'),
      options: { above: 'not-a-version' },
      expect: 'keep 1.2.0',
    },
    {
      name: 'by build time, the hold compares times',
      policy: 'glob:*',
      current: 'a',
      candidates: timed(['a', 1], ['b', 2], ['c', 3]),
      options: { above: 'b' },
      expect: 'update c',
    },
  ]);
});

describe('select: the reason', () => {
  it('names the rule, semantics, counts, winner and runner-up', () => {
    const decision = select(
      parsePolicy('semver:~1.4'),
      '1.4.2',
      tags('1.3.9', '1.4.0', '1.4.2', '1.4.3-rc.1', '1.4.3', '1.5.0', 'latest'),
    );
    assert.equal(decision.kind, 'update');
    const { reason } = decision;
    assert.equal(reason.rule, 'semver ~1.4 (strict)');
    assert.equal(reason.semantics, 'tagpilot');
    assert.equal(reason.total, 7);
    assert.equal(reason.matched, 3);
    assert.equal(reason.winner, '1.4.3');
    assert.equal(reason.runnerUp, '1.4.2');
    assert.equal(
      reason.text,
      'update 1.4.2 to 1.4.3, the highest version matching semver ~1.4 (strict); 3 of 7 tags matched, runner-up 1.4.2',
    );
  });

  it('says when a kept current tag is no longer listed', () => {
    const decision = select(parsePolicy('semver:~1.4'), '1.4.7', tags('1.4.0', '1.4.3'));
    assert.equal(
      decision.reason.text,
      'keep 1.4.7: no tag ranks above it under semver ~1.4 (strict) (the registry no longer lists it); 2 of 2 tags matched, runner-up 1.4.3',
    );
  });

  it('says "policy change" when the current tag no longer satisfies the policy', () => {
    const decision = select(parsePolicy('semver:~1.4'), '2.0.0', tags('1.4.1'));
    assert.match(decision.reason.text, /^policy change: 2\.0\.0 does not match semver ~1\.4/);
  });

  it('says the workload is held, and marks it', () => {
    const decision = select(parsePolicy('semver:^1'), '1.2.0', tags('1.2.0', '1.3.0'), {
      above: '1.3.0',
    });
    assert.equal(decision.reason.held, true);
    assert.match(
      decision.reason.text,
      /^keep 1\.2\.0: held: no tag ranks above 1\.3\.0 \(rollback hold\)/,
    );
  });

  it('is not "held" when the hold changes nothing', () => {
    const decision = select(parsePolicy('semver:^1'), '1.3.0', tags('1.2.0', '1.3.0'), {
      above: '1.3.0',
    });
    assert.equal(outcome(decision), 'keep 1.3.0');
    assert.equal(decision.reason.held, false);
    assert.match(decision.reason.text, /^keep 1\.3\.0: no tag ranks above it/);
  });

  it('names the Flux v1 semantics and the default policy', () => {
    const flux = select(parsePolicy('semver:~1', 'flux-v1'), undefined, tags('1.2'));
    assert.equal(flux.reason.semantics, 'flux-v1');
    assert.match(flux.reason.rule, /Flux v1 lenient/);
  });

  it('the NEEDS_BUILD_TIME message lists the tags without a time', () => {
    const decision = select(parsePolicy('glob:*'), 'a', timed(['a', 1], ['b', 0], ['c', 0]));
    assert.ok(decision.kind === 'error');
    assert.equal(decision.code, 'NEEDS_BUILD_TIME');
    assert.match(decision.message, /unknown for 2 of 3 tags .*\(b, c\)/);
  });

  it('returns the winner candidate with its metadata', () => {
    const winner = { tag: '1.1.0', digest: `sha256:${'a'.repeat(64)}`, created: 5 };
    const decision = select(parsePolicy('semver:*'), '1.0.0', [{ tag: '1.0.0' }, winner]);
    assert.ok(decision.kind === 'update');
    assert.deepEqual(decision.to, winner);
  });

  it('counts a tag listed twice once and prefers the entry with a build time', () => {
    const decision = select(parsePolicy('glob:*'), undefined, [
      { tag: 'a', created: 5 * DAY },
      { tag: 'b' },
      { tag: 'b', created: 6 * DAY },
    ]);
    assert.equal(outcome(decision), 'update b');
    assert.equal(decision.reason.total, 2);
  });
});
