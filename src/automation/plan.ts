/**
 * The planner: slots × scanned tags × holds → one decision per slot and the edits. Pure and
 * synchronous, so `plan`, `explain`, `run` and the tests share it (docs/automation.md).
 *
 * Safety rails enforced here, whatever the policy says: a failed or empty scan changes nothing;
 * locked and ignored workloads are untouched; tags younger than the minimum age are not
 * candidates (when their push time is known); a rollback hold only admits tags newer than the
 * value tagpilot wrote; a reference that carries a digest gets tag and digest updated together.
 */
import { canonicalName, withVersion, type ImageRef } from '../image/index.js';
import type { ImageEdit, ImageSlot } from '../manifests/types.js';
import {
  PolicyError,
  select as policySelect,
  type Candidate,
  type ContainerPolicy,
  type Reason,
} from '../policy/index.js';
import type { DigestWanted, LastWrite, Plan, ScanResult, SlotDecision } from './types.js';

export type SelectFn = typeof policySelect;

export interface PlanInput {
  readonly slots: readonly ImageSlot[];
  /** Scan results keyed by `canonicalName(ref)`. */
  readonly scans: ReadonlyMap<string, ScanResult>;
  /** Known manifest digests keyed by `digestKey(ref, tag)`. */
  readonly digests?: ReadonlyMap<string, string> | undefined;
  /** What tagpilot last wrote per slot id (holds.ts); absent means "no hold possible". */
  readonly lastWrites?: ReadonlyMap<string, LastWrite> | undefined;
  /** Holds released with `tagpilot policy --unlock`: slot id → the held value released. */
  readonly releasedHolds?: ReadonlyMap<string, string> | undefined;
  /** ms since the epoch, for the minimum tag age. */
  readonly now: number;
  /** Skip tags pushed less than this many ms ago (only when the push time is known). */
  readonly minTagAgeMs?: number | undefined;
  /** The policy layer's select (a parameter so the planner's own rules can be tested alone). */
  readonly select?: SelectFn | undefined;
}

/** The key of a digest lookup: `registry/repository:tag`. */
export function digestKey(ref: ImageRef, tag: string): string {
  return `${canonicalName(ref)}:${tag}`;
}

/** The slots a cycle must scan for: automated, unlocked, not ignored, with a valid policy. */
export function isScanned(slot: ImageSlot): slot is ImageSlot & { policy: ContainerPolicy } {
  const workload = slot.workloadPolicy;
  if (workload !== undefined && (workload.locked || workload.ignored !== false)) return false;
  return slot.policy !== undefined && !(slot.policy instanceof PolicyError);
}

export function plan(input: PlanInput): Plan {
  const decisions: SlotDecision[] = [];
  const edits: ImageEdit[] = [];
  const wanted = new Map<string, DigestWanted>();
  for (const slot of input.slots) {
    const decision = decide(slot, input, wanted);
    decisions.push(decision);
    if (decision.kind === 'update') edits.push({ slot, to: decision.to });
  }
  return { decisions, edits, digestsWanted: [...wanted.values()] };
}

function decide(
  slot: ImageSlot,
  input: PlanInput,
  wanted: Map<string, DigestWanted>,
): SlotDecision {
  const workload = slot.workloadPolicy;
  if (workload?.ignored !== undefined && workload.ignored !== false)
    return { kind: 'ignored', slot, why: `ignore annotation (${workload.ignored})` };
  if (workload?.locked === true)
    return { kind: 'locked', slot, by: workload.lockedBy, message: workload.lockedMessage };
  if (slot.policy === undefined) return { kind: 'ignored', slot, why: 'not automated' };
  if (slot.policy instanceof PolicyError)
    return { kind: 'error', slot, code: slot.policy.code, message: slot.policy.message };
  const containerPolicy = slot.policy;
  const policy = containerPolicy.policy;
  const select = input.select ?? policySelect;

  const scan = input.scans.get(canonicalName(slot.current));
  if (scan === undefined)
    return { kind: 'error', slot, code: 'NOT_SCANNED', message: 'the image was not scanned' };
  if (!scan.ok) return { kind: 'error', slot, code: scan.code, message: scan.message };
  // Safety rail: a registry that suddenly lists nothing must never cause a change.
  if (scan.candidates.length === 0)
    return {
      kind: 'error',
      slot,
      code: 'NO_CANDIDATES',
      message: `registry listed no tags for ${canonicalName(slot.current)}; nothing changes`,
    };

  const minAge = input.minTagAgeMs ?? 0;
  const candidates =
    minAge > 0
      ? scan.candidates.filter((c) => !isYoungerThan(c, minAge, input.now))
      : scan.candidates;
  const current = slot.current.tag;

  const hold = findHold(slot, input, candidates, select);
  const decision = select(
    policy,
    current,
    candidates,
    hold === undefined ? {} : { above: hold.heldBelow },
  );
  if (decision.kind === 'error')
    return {
      kind: 'error',
      slot,
      code: decision.code,
      message: decision.message,
      reason: decision.reason,
    };

  const tooYoung = scan.candidates.length - candidates.length;
  const reason =
    tooYoung > 0
      ? {
          ...decision.reason,
          text: `${decision.reason.text} (${tooYoung} tag(s) younger than the minimum age skipped)`,
        }
      : decision.reason;

  const targetTag = decision.kind === 'keep' ? decision.tag : decision.to.tag;
  const needsDigest = containerPolicy.pinDigest || slot.current.digest !== undefined;
  let digest: string | undefined;
  if (needsDigest) {
    const key = digestKey(slot.current, targetTag);
    digest = input.digests?.get(key);
    if (digest === undefined) {
      wanted.set(key, { key, image: withVersion(slot.current, targetTag) });
      return {
        kind: 'error',
        slot,
        code: 'DIGEST_UNKNOWN',
        message: `digest of ${canonicalName(slot.current)}:${targetTag} not known yet`,
        reason,
      };
    }
  }

  if (decision.kind === 'keep') {
    if (hold !== undefined && current !== undefined && current === decision.tag)
      return {
        kind: 'held',
        slot,
        heldBelow: hold.heldBelow,
        reason: {
          ...reason,
          text: `held: a commit rolled ${slot.id} back from ${hold.heldBelow}; only a tag newer than ${hold.heldBelow} releases it (${reason.text})`,
        },
      };
    if (needsDigest && digest !== slot.current.digest)
      return {
        kind: 'update',
        slot,
        from: slot.current,
        to: withVersion(slot.current, targetTag, digest),
        change: slot.current.digest === undefined ? 'pin' : 'digest',
        reason,
      };
    return { kind: 'keep', slot, reason };
  }
  return {
    kind: 'update',
    slot,
    from: slot.current,
    to: withVersion(slot.current, targetTag, needsDigest ? digest : undefined),
    change: decision.change,
    reason,
    releasedHold: hold?.heldBelow,
  };
}

function isYoungerThan(candidate: Candidate, minAgeMs: number, now: number): boolean {
  // Only the push time counts: a build can be old and pushed a minute ago. 0 means unknown.
  const pushed = candidate.pushed ?? 0;
  return pushed > 0 && now - pushed < minAgeMs;
}

/**
 * A rollback hold (docs/automation.md, "Holds"): tagpilot last wrote tag W for this slot; the
 * file now holds a different tag C that the policy orders below W (a person rolled back). Then
 * only tags newer than W may be chosen. Released holds and unknown histories hold nothing.
 */
function findHold(
  slot: ImageSlot,
  input: PlanInput,
  candidates: readonly Candidate[],
  select: SelectFn,
): { heldBelow: string } | undefined {
  const written = input.lastWrites?.get(slot.id);
  if (written === undefined || slot.policy === undefined || slot.policy instanceof PolicyError)
    return undefined;
  const writtenTag = tagOf(written.value);
  const current = slot.current.tag;
  if (writtenTag === undefined || current === undefined || writtenTag === current) return undefined;
  if (input.releasedHolds?.get(slot.id) === writtenTag) return undefined;
  // "Older under the policy": offered only the two tags (with whatever metadata the scan has),
  // the policy would move from the current tag to the written one.
  const known = new Map(candidates.map((c) => [c.tag, c]));
  const pair = [
    known.get(writtenTag) ?? { tag: writtenTag },
    known.get(current) ?? { tag: current },
  ];
  const verdict = select(slot.policy.policy, current, pair);
  if (verdict.kind === 'update' && verdict.to.tag === writtenTag) return { heldBelow: writtenTag };
  return undefined;
}

/** The tag of a reference as written in a trailer (`name:tag[@digest]`). */
export function tagOf(reference: string): string | undefined {
  const withoutDigest = reference.split('@')[0] ?? '';
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', slash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** A reason for decisions the planner makes without the policy layer (summaries, explain). */
export function plainReason(rule: string, text: string): Reason {
  return { rule, semantics: 'tagpilot', total: 0, matched: 0, text };
}
