/**
 * The decision: given the current tag, a policy and the registry's candidates, keep, update (to
 * which tag, and whether it is a plain update or a policy change) or an error value, always with
 * a Reason. Pure and deterministic: the result does not depend on the order of the candidates.
 *
 * Rules (docs/policies.md "Choosing a tag"):
 * - never downgrade: while the current tag satisfies the policy, only a candidate ranking
 *   strictly above it is chosen;
 * - equal rank: the current tag wins, then the spelling closest to it (same `v` prefix), then the
 *   longer string (`1.10.0` over `1.10`), then the lexically greater one;
 * - orders by build time need a known time for every tag they compare (NEEDS_BUILD_TIME);
 * - a rollback hold (`above`) makes only tags ranking strictly above it eligible.
 */
import { compilePolicy } from './compiled.js';
import { bestPhrase, describeRule } from './describe.js';
import { buildTime, compareKeys, type SortKey } from './order.js';
import { compareAscii } from './semver-order.js';
import type { Candidate, Decision, Policy, Reason, SelectOptions } from './types.js';

interface Ranked {
  readonly tag: string;
  readonly key: SortKey;
}

/** Chooses a tag: keep, update (with the winner), or an error value, always with a reason. */
export function select(
  policy: Policy,
  current: string | undefined,
  candidates: readonly Candidate[],
  options: SelectOptions = {},
): Decision {
  const compiled = compilePolicy(policy);
  const rule = describeRule(policy);
  const byTag = dedupe(candidates);
  const total = byTag.size;
  const reason = (matched: number, text: string, extra: Partial<Reason> = {}): Reason => ({
    rule,
    semantics: policy.semantics,
    total,
    matched,
    ...extra,
    text,
  });

  if (total === 0)
    return {
      kind: 'error',
      code: 'NO_CANDIDATES',
      message: `no candidate tags to choose from under ${rule}`,
      reason: reason(0, `no candidate tags were offered; nothing to choose under ${rule}`),
    };

  const keyOf = (tag: string): SortKey | undefined => {
    const candidate = byTag.get(tag);
    return compiled.key(tag, candidate?.pushed, candidate?.created);
  };
  const matchedTags = [...byTag.keys()].filter((tag) => compiled.accepts(tag));
  const matched = matchedTags.length;
  const currentAccepted = current !== undefined && compiled.accepts(current);

  if (policy.order.by === 'build-time') {
    const compared = new Set(matchedTags);
    if (currentAccepted) compared.add(current);
    const unknown = [...compared].filter((tag) => keyOf(tag) === undefined).sort(compareAscii);
    // One tag needs no ordering; two or more cannot be ranked without every time (no guessing).
    if (compared.size > 1 && unknown.length > 0) {
      const listed = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? ', ...' : '');
      const message = `${rule} needs image build times, unknown for ${unknown.length} of ${compared.size} tags it must compare (${listed}); use a policy that orders by the tag itself (semver:, numeric:, or a regex with a ts group)`;
      return { kind: 'error', code: 'NEEDS_BUILD_TIME', message, reason: reason(matched, message) };
    }
  }

  // Every accepted tag has a key, except under build time when it is the only tag compared
  // (checked above); that one needs no real time.
  const acceptedKey = (tag: string): SortKey => keyOf(tag) ?? { kind: 'time', ms: 0 };
  const better = rankBy(compiled.direction, current);
  const ranked: Ranked[] = matchedTags
    .map((tag) => ({ tag, key: acceptedKey(tag) }))
    .sort((a, b) => better(b, a));
  const currentEntry = currentAccepted ? { tag: current, key: acceptedKey(current) } : undefined;

  let eligible = ranked;
  const above = options.above;
  if (above !== undefined) {
    const aboveKey = keyOf(above);
    eligible =
      aboveKey === undefined
        ? []
        : ranked.filter((entry) => compareKeys(entry.key, aboveKey) * compiled.direction > 0);
  }
  const best = eligible[0];
  // Held: without the hold the answer would have been a different, newer tag.
  const unheld = ranked[0];
  const held =
    above !== undefined &&
    unheld !== undefined &&
    unheld.tag !== best?.tag &&
    (currentEntry === undefined || better(unheld, currentEntry) > 0);
  const runnerUpTo = (winner: string): string | undefined =>
    ranked.find((entry) => entry.tag !== winner)?.tag;
  const counts = `${matched} of ${total} tags matched`;
  const phrase = bestPhrase(policy);

  const details = (runnerUp: string | undefined): string =>
    `${counts}${runnerUp === undefined ? '' : `, runner-up ${runnerUp}`}`;
  const keep = (tag: string, why: string): Decision => {
    const runnerUp = runnerUpTo(tag);
    return {
      kind: 'keep',
      tag,
      reason: reason(matched, `keep ${tag}: ${why}; ${details(runnerUp)}`, {
        winner: tag,
        runnerUp,
        held,
      }),
    };
  };
  const holdWords = `held: no tag ranks above ${above ?? ''} (rollback hold) under ${rule}`;

  if (currentEntry !== undefined && (best === undefined || better(best, currentEntry) <= 0)) {
    // Never downgrade, even when the registry no longer lists the current tag; say so.
    const unlisted = byTag.has(currentEntry.tag) ? '' : ' (the registry no longer lists it)';
    return keep(
      currentEntry.tag,
      (held ? holdWords : `no tag ranks above it under ${rule}`) + unlisted,
    );
  }
  if (best === undefined) {
    if (held && current !== undefined) return keep(current, holdWords);
    const message =
      `none of the ${total} tags matches ${rule}` +
      (held ? ` above ${above} (rollback hold)` : '') +
      (current === undefined
        ? ''
        : currentAccepted
          ? ''
          : `; the current tag ${current} does not match either`);
    return { kind: 'error', code: 'NO_MATCH', message, reason: reason(matched, message, { held }) };
  }

  const winner = byTag.get(best.tag) ?? { tag: best.tag };
  const runnerUp = runnerUpTo(best.tag);
  const hold = above === undefined ? '' : `; rollback hold above ${above}`;
  const tail = `${phrase} matching ${rule}; ${details(runnerUp)}${hold}`;
  const change = current === undefined || currentAccepted ? 'update' : 'policy-change';
  const text =
    current === undefined
      ? `choose ${best.tag}, ${tail}`
      : change === 'update'
        ? `update ${current} to ${best.tag}, ${tail}`
        : `policy change: ${current} does not match ${rule}; choose ${best.tag}, ${tail}`;
  return {
    kind: 'update',
    from: current,
    to: winner,
    change,
    reason: reason(matched, text, { winner: best.tag, runnerUp, held }),
  };
}

/**
 * A comparator (positive when `a` ranks above `b`): the policy's key in its direction, then the
 * tie-breaks: the current tag, the same `v` prefix as the current tag, the longer string, the
 * lexically greater string.
 */
export function rankBy(
  direction: 1 | -1,
  current: string | undefined,
): (a: Ranked, b: Ranked) => number {
  return (a, b) => {
    const byKey = compareKeys(a.key, b.key) * direction;
    if (byKey !== 0) return byKey;
    if (a.tag === b.tag) return 0;
    if (a.tag === current) return 1;
    if (b.tag === current) return -1;
    if (current !== undefined) {
      const prefix = current.startsWith('v');
      const aSame = a.tag.startsWith('v') === prefix;
      const bSame = b.tag.startsWith('v') === prefix;
      if (aSame !== bSame) return aSame ? 1 : -1;
    }
    if (a.tag.length !== b.tag.length) return a.tag.length > b.tag.length ? 1 : -1;
    return compareAscii(a.tag, b.tag);
  };
}

/**
 * One candidate per tag. A registry may list a tag twice (paging overlaps); keep the entry with
 * the newest known build time, then the greater digest, so the input order never matters.
 */
function dedupe(candidates: readonly Candidate[]): Map<string, Candidate> {
  const byTag = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const previous = byTag.get(candidate.tag);
    if (previous === undefined || prefer(candidate, previous)) byTag.set(candidate.tag, candidate);
  }
  return byTag;
}

function prefer(a: Candidate, b: Candidate): boolean {
  const at = buildTime(a.pushed, a.created) ?? -1;
  const bt = buildTime(b.pushed, b.created) ?? -1;
  if (at !== bt) return at > bt;
  return compareAscii(a.digest ?? '', b.digest ?? '') > 0;
}
