/**
 * Inline markers (grammar: docs/manifests.md "Inline markers"): a line comment holding a JSON
 * object with a `"tagpilot"` key, on the same line as, and right after, the scalar it governs:
 *
 *   image: ghcr.io/acme/api:1.4.2 # {"tagpilot": "semver:~1.4"}
 *   tag: 1.4.2 # {"tagpilot": "semver:~1.4", "image": "ghcr.io/acme/api"}
 *
 * js-yaml's events carry no comments, so markers are found by scanning the lines that hold the
 * token `"tagpilot"` and matched to scalars by position. A marker no scalar claims (after a
 * mapping key, a block scalar header, a flow collection, on a line of its own, or inside a block
 * scalar where it is only text, flux2#5307) is an error note: never silently ignored.
 */
import { PolicyError, parsePolicy, type ContainerPolicy } from '../../policy/index.js';
import type { ImageShape } from '../types.js';
import type { FileContext } from './context.js';
import type { SlotFact } from './facts.js';
import { get, pathKey, type YDocument, type YMap, type YNode, type YScalar } from './tree.js';

export const MARKER_TOKEN = '"tagpilot"';

interface Marker {
  /** Offset of the `#`. */
  readonly hash: number;
  /** The JSON text after `#`. */
  readonly json: string;
  readonly lineStart: number;
}

interface Spec {
  readonly policy: ContainerPolicy | PolicyError;
  readonly image: string | undefined;
}

interface Placed {
  readonly scalar: YScalar;
  readonly path: string;
  readonly key: string | undefined;
  readonly parent: YMap | undefined;
  readonly documentIndex: number;
}

const ALLOWED_KEYS = new Set(['tagpilot', 'image', 'pin']);

function findMarkers(source: string): Marker[] {
  const markers: Marker[] = [];
  let at = source.indexOf(MARKER_TOKEN);
  while (at !== -1) {
    const lineStart = source.lastIndexOf('\n', at) + 1;
    let lineEnd = source.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = source.length;
    // `.` in a RegExp stops at `\r`, so a CRLF line loses its `\r` first.
    const line = source.slice(lineStart, lineEnd).replace(/\r$/, '');
    // The comment starts at a `#` at the line start or after a space, followed by `{`.
    const match = /(^|[ \t])#[ \t]*(\{.*)$/.exec(line);
    if (match?.index !== undefined) {
      const hash = lineStart + match.index + (match[1]?.length ?? 0);
      const json = (match[2] ?? '').trimEnd();
      if (json.includes(MARKER_TOKEN)) markers.push({ hash, json, lineStart });
    }
    at = source.indexOf(MARKER_TOKEN, lineEnd);
  }
  return markers;
}

function parseSpec(ctx: FileContext, marker: Marker): Spec | undefined {
  const fail = (problem: string): Spec | undefined => {
    ctx.note('error', marker.hash, `invalid tagpilot marker ${marker.json}: ${problem}`);
    return undefined;
  };
  let data: unknown;
  try {
    data = JSON.parse(marker.json);
  } catch {
    return fail('not a JSON object on one line');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return fail('not a JSON object');
  const fields = data as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !ALLOWED_KEYS.has(k));
  if (unknown.length > 0)
    return fail(`unknown key ${JSON.stringify(unknown[0])} (allowed: tagpilot, image, pin)`);
  const expression = fields['tagpilot'];
  const image = fields['image'];
  const pin = fields['pin'];
  if (typeof expression !== 'string')
    return fail('"tagpilot" must be a policy string such as "semver:~1.4"');
  if (image !== undefined && (typeof image !== 'string' || image === ''))
    return fail('"image" must be an image name such as "ghcr.io/acme/api"');
  if (pin !== undefined && pin !== 'digest') return fail('the only "pin" is "digest"');
  try {
    return {
      policy: {
        policy: parsePolicy(expression, 'tagpilot'),
        key: marker.json,
        pinDigest: pin === 'digest',
      },
      image,
    };
  } catch (error: unknown) {
    if (!(error instanceof PolicyError)) throw error;
    ctx.note('error', marker.hash, `tagpilot marker: ${error.message}`);
    return { policy: error, image };
  }
}

function collect(
  node: YNode | undefined,
  path: string,
  documentIndex: number,
  out: Placed[],
  parent?: YMap,
  key?: string,
): void {
  if (node === undefined) return;
  if (node.t === 'scalar') {
    if (node.start >= 0) out.push({ scalar: node, path, key, parent, documentIndex });
  } else if (node.t === 'seq')
    node.items.forEach((item, i) => {
      collect(item, `${path}[${i}]`, documentIndex, out);
    });
  else if (node.t === 'map')
    for (let i = 0; i < node.keys.length; i++) {
      const k = node.keys[i];
      if (k?.t === 'scalar')
        collect(node.values[i], pathKey(path, k.value), documentIndex, out, node, k.value);
    }
}

/** Applies every marker of the file: refines the slot it sits on, or makes a field slot. */
export function applyMarkers(ctx: FileContext, documents: readonly YDocument[]): void {
  const markers = findMarkers(ctx.source);
  if (markers.length === 0) return;
  const placed: Placed[] = [];
  documents.forEach((document, index) => {
    collect(document.root, '', index, placed);
  });
  const byLine = new Map<number, Placed[]>();
  for (const entry of placed) {
    const line = ctx.lines.line(entry.scalar.end);
    byLine.set(line, [...(byLine.get(line) ?? []), entry]);
  }
  for (const marker of markers) {
    const onLine = byLine.get(ctx.lines.line(marker.hash)) ?? [];
    const target = onLine.find(
      (p) =>
        p.scalar.end <= marker.hash && ctx.source.slice(p.scalar.end, marker.hash).trim() === '',
    );
    if (target === undefined) {
      reportUnclaimed(ctx, marker, placed);
      continue;
    }
    const spec = parseSpec(ctx, marker);
    if (spec === undefined) continue;
    if (
      target.scalar.style !== 'plain' &&
      target.scalar.style !== 'single' &&
      target.scalar.style !== 'double'
    ) {
      ctx.note(
        'error',
        marker.hash,
        'tagpilot marker on a block scalar: put it on a plain or quoted scalar',
      );
      continue;
    }
    const slotIndex = ctx.claimed.get(target.scalar.start);
    if (slotIndex === undefined) addFieldSlot(ctx, marker, spec, target);
    else refineSlot(ctx, marker, spec, slotIndex);
  }
}

function reportUnclaimed(ctx: FileContext, marker: Marker, placed: readonly Placed[]): void {
  const inside = placed.find((p) => p.scalar.start < marker.hash && marker.hash < p.scalar.end);
  const ownLine = ctx.source.slice(marker.lineStart, marker.hash).trim() === '';
  const problem =
    inside !== undefined
      ? 'it is inside a string or block scalar, where it is text, not a comment'
      : ownLine
        ? 'it is on a line of its own; put it after the scalar, on the same line'
        : 'it is not on a scalar (a mapping, sequence, block scalar header or flow collection)';
  ctx.note('error', marker.hash, `tagpilot marker ${marker.json} is not applied: ${problem}`);
}

function refineSlot(ctx: FileContext, marker: Marker, spec: Spec, index: number): void {
  const slot = ctx.slots[index];
  if (slot === undefined) return;
  if (spec.image !== undefined)
    ctx.note(
      'warning',
      marker.hash,
      `tagpilot marker: "image" is ignored here, the image comes from ${slot.yamlPath}`,
    );
  const wp = slot.workloadPolicy;
  if (wp !== undefined && (wp.locked || wp.ignored !== false)) {
    ctx.note(
      'info',
      marker.hash,
      `tagpilot marker: not applied, the workload is ${wp.locked ? 'locked' : 'ignored'}`,
    );
    return;
  }
  const annotated = slot.container === undefined ? undefined : wp?.containers.get(slot.container);
  if (annotated !== undefined)
    ctx.note(
      'warning',
      marker.hash,
      `tagpilot marker overrides the annotation policy for container ${slot.container ?? ''}`,
    );
  ctx.replaceSlot(index, { ...slot, policy: spec.policy, fromMarker: true });
}

function addFieldSlot(ctx: FileContext, marker: Marker, spec: Spec, target: Placed): void {
  const { scalar } = target;
  let shape: ImageShape;
  let reference: string;
  const repository = target.parent && get(target.parent, 'repository');
  const registry = target.parent && get(target.parent, 'registry');
  const plain = (n: YNode | undefined): YScalar | undefined =>
    n?.t === 'scalar' &&
    n.value !== '' &&
    (n.style === 'plain' || n.style === 'single' || n.style === 'double')
      ? n
      : undefined;
  if (spec.image !== undefined) {
    shape = { kind: 'parts', tag: [scalar.start, scalar.end] };
    reference = `${spec.image}:${scalar.value}`;
  } else if (target.key === 'tag' && plain(repository) !== undefined) {
    const repo = plain(repository) as YScalar;
    const reg = plain(registry);
    shape = {
      kind: 'parts',
      registry: reg && [reg.start, reg.end],
      repository: [repo.start, repo.end],
      tag: [scalar.start, scalar.end],
    };
    reference = `${reg === undefined ? '' : `${reg.value}/`}${repo.value}:${scalar.value}`;
  } else if (target.key === 'tag') {
    ctx.note(
      'error',
      marker.hash,
      'tagpilot marker on a tag needs "image" (the image name), or a sibling "repository" key',
    );
    return;
  } else {
    shape = { kind: 'reference', range: [scalar.start, scalar.end] };
    reference = scalar.value;
  }
  const current = ctx.imageRef(reference, scalar.start, `marked value ${target.path}`);
  if (current === undefined) return;
  const fact: SlotFact = {
    source: 'marker',
    documentIndex: target.documentIndex,
    yamlPath: target.path,
    line: ctx.lines.line(scalar.start),
    shape,
    current,
    workload: undefined,
    container: undefined,
    workloadPolicy: undefined,
    policy: spec.policy,
    fromMarker: true,
    object: undefined,
  };
  ctx.addSlot(fact, [scalar]);
}
