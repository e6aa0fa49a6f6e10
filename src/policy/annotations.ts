/**
 * The one reader of workload annotations (docs/policies.md "Annotations"). tagpilot's own keys
 * and Flux v1's, read unchanged so Flux v1 users migrate without touching manifests:
 *
 *   tagpilot.io/*  over  fluxcd.io/*  over  filter.fluxcd.io/<c>  over  flux.weave.works/*
 *
 * When two spellings of one setting disagree, the higher one wins and a warning names both keys.
 * Keys from Flux v1 prefixes are parsed with Flux v1 semantics (lenient semver, unanchored
 * regexes); `tagpilot.io/` keys with tagpilot's strict ones. Facts on Flux v1's keys:
 * fluxcd/flux pkg/cluster/kubernetes/resource/resource.go, pkg/policy/policy.go.
 */
import type { AnnotationWarning, ContainerPolicy, WorkloadPolicy } from './annotations-types.js';
import { PolicyError } from './errors.js';
import { defaultPolicy, parsePolicy } from './parse.js';
import type { Policy, Semantics } from './types.js';

interface Prefix {
  readonly prefix: string;
  readonly semantics: Semantics;
  /** Lower wins. */
  readonly rank: number;
}

const TAGPILOT: Prefix = { prefix: 'tagpilot.io/', semantics: 'tagpilot', rank: 0 };
const FLUXCD: Prefix = { prefix: 'fluxcd.io/', semantics: 'flux-v1', rank: 1 };
const FILTER: Prefix = { prefix: 'filter.fluxcd.io/', semantics: 'flux-v1', rank: 2 };
const WEAVE: Prefix = { prefix: 'flux.weave.works/', semantics: 'flux-v1', rank: 3 };

const SETTINGS = ['automated', 'locked', 'locked_user', 'locked_msg', 'ignore'];

interface Entry {
  readonly key: string;
  readonly value: string;
  readonly from: Prefix;
}

/** What a key sets: a workload setting, a container's tag policy, or a container's pin flag. */
type Slot = { readonly setting: string } | { readonly tag: string } | { readonly pin: string };

function classify(key: string): { slot: Slot; from: Prefix } | 'unknown-tagpilot' | undefined {
  if (key.startsWith(FILTER.prefix))
    return { slot: { tag: key.slice(FILTER.prefix.length) }, from: FILTER };
  for (const from of [TAGPILOT, FLUXCD, WEAVE]) {
    if (!key.startsWith(from.prefix)) continue;
    const name = key.slice(from.prefix.length);
    if (SETTINGS.includes(name)) return { slot: { setting: name }, from };
    if (name.startsWith('tag.')) return { slot: { tag: name.slice(4) }, from };
    if (from === TAGPILOT && name.startsWith('pin.')) return { slot: { pin: name.slice(4) }, from };
    // fluxcd.io/ also carries sync bookkeeping (sync-checksum, ...): not ours to judge.
    return from === TAGPILOT ? 'unknown-tagpilot' : undefined;
  }
  return undefined;
}

function slotId(slot: Slot): string {
  if ('setting' in slot) return slot.setting;
  if ('tag' in slot) return `tag\u0000${slot.tag}`;
  return `pin\u0000${slot.pin}`;
}

/** Reads every tagpilot / Flux v1 annotation of one workload (the only place that does). */
export function policyFromAnnotations(
  annotations: Readonly<Record<string, string>>,
): WorkloadPolicy {
  const warnings: AnnotationWarning[] = [];
  const slots = new Map<string, { slot: Slot; entries: Entry[] }>();
  for (const key of Object.keys(annotations).sort()) {
    const value = annotations[key] ?? '';
    const found = classify(key);
    if (found === undefined) continue;
    if (found === 'unknown-tagpilot') {
      warnings.push({ keys: [key], message: `unknown annotation ${key} is ignored` });
      continue;
    }
    const id = slotId(found.slot);
    const group = slots.get(id) ?? { slot: found.slot, entries: [] };
    group.entries.push({ key, value, from: found.from });
    slots.set(id, group);
  }

  // The winner of each slot, with a warning for every lower spelling that says something else.
  const winners = new Map<string, { slot: Slot; entry: Entry }>();
  for (const [id, { slot, entries }] of slots) {
    const sorted = [...entries].sort((a, b) => a.from.rank - b.from.rank);
    const [winner, ...rest] = sorted;
    if (winner === undefined) continue;
    for (const loser of rest) {
      if (loser.value === winner.value) continue;
      warnings.push({
        keys: [winner.key, loser.key],
        message: `${winner.key}: ${JSON.stringify(winner.value)} overrides ${loser.key}: ${JSON.stringify(loser.value)}`,
      });
    }
    winners.set(id, { slot, entry: winner });
  }
  const setting = (name: string): Entry | undefined => winners.get(name)?.entry;

  const automatedEntry = setting('automated');
  const automatedAnnotation = automatedEntry?.value === 'true';
  if (automatedEntry !== undefined && !automatedAnnotation && automatedEntry.value !== 'false')
    warnings.push({
      keys: [automatedEntry.key],
      message: `${automatedEntry.key}: ${JSON.stringify(automatedEntry.value)} is not "true", so automation is off (only the exact string "true" counts, as in Flux v1)`,
    });
  const lockedEntry = setting('locked');
  const locked = lockedEntry?.value === 'true';
  const ignoreValue = setting('ignore')?.value;
  const ignored = ignoreValue === 'true' || ignoreValue === 'sync_only' ? ignoreValue : false;
  const automated = automatedAnnotation && !locked && ignored === false;
  const defaults = defaultPolicy(semanticsOf(automatedEntry));

  const containers = new Map<string, ContainerPolicy | PolicyError>();
  const tagOf = new Map<string, Entry>();
  const pinOf = new Map<string, Entry>();
  for (const { slot, entry } of winners.values()) {
    if ('setting' in slot) continue;
    const name = 'tag' in slot ? slot.tag : slot.pin;
    if (name === '') {
      warnings.push({
        keys: [entry.key],
        message: `${entry.key} names no container and is ignored`,
      });
      continue;
    }
    ('tag' in slot ? tagOf : pinOf).set(name, entry);
  }
  for (const name of new Set([...tagOf.keys(), ...pinOf.keys()])) {
    containers.set(name, containerPolicy(tagOf.get(name), pinOf.get(name), defaults));
  }

  return {
    automated,
    automatedAnnotation,
    automatedKey: automatedEntry?.key,
    locked,
    lockedBy: setting('locked_user')?.value,
    lockedMessage: setting('locked_msg')?.value,
    ignored,
    containers,
    warnings,
  };
}

function semanticsOf(entry: Entry | undefined): Semantics {
  return entry?.from.semantics ?? 'tagpilot';
}

function containerPolicy(
  tag: Entry | undefined,
  pin: Entry | undefined,
  defaults: Policy,
): ContainerPolicy | PolicyError {
  // A pin that is not understood stops the container rather than silently writing bare tags.
  if (pin !== undefined && pin.value !== 'digest')
    return new PolicyError(pin.key, pin.value, 'the only pin is "digest" (write tag@digest)');
  const pinDigest = pin !== undefined;
  if (tag === undefined) return { policy: defaults, key: undefined, pinDigest };
  try {
    return { policy: parsePolicy(tag.value, tag.from.semantics, tag.key), key: tag.key, pinDigest };
  } catch (error: unknown) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
}

/**
 * The policy for one container of a workload: its own annotation, or the default when the
 * workload is automated without one; undefined when the container is not automated (no
 * `automated: "true"`, locked, or ignored: a tag policy alone does nothing, as in Flux v1).
 */
export function policyForContainer(
  workload: WorkloadPolicy,
  container: string,
): ContainerPolicy | PolicyError | undefined {
  if (!workload.automated) return undefined;
  const own = workload.containers.get(container);
  if (own !== undefined) return own;
  const semantics: Semantics =
    workload.automatedKey?.startsWith(TAGPILOT.prefix) === false ? 'flux-v1' : 'tagpilot';
  return { policy: defaultPolicy(semantics), key: undefined, pinDigest: false };
}
