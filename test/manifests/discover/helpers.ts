/** Small builders for discovery tests: files from text, slot lookups, range checks. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  discover,
  type DiscoveryCache,
  type DiscoveryOptions,
  type DiscoveryResult,
  type ImageSlot,
  type ManifestFile,
  type SourceRange,
} from '../../../src/manifests/index.js';
import { PolicyError } from '../../../src/policy/index.js';

const encoder = new TextEncoder();

/** A file whose oid is the Git blob id of its bytes, as GitStore would give it. */
export function file(path: string, content: string | Uint8Array): ManifestFile {
  const bytes = typeof content === 'string' ? encoder.encode(content) : content;
  const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  return { path, oid, mode: '100644', bytes };
}

/** Joins lines with `\n` and a final newline. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function run(
  files: Record<string, string>,
  options?: DiscoveryOptions,
  cache?: DiscoveryCache,
): DiscoveryResult {
  return discover(
    Object.entries(files).map(([path, text]) => file(path, text)),
    options,
    cache,
  );
}

export function slotById(result: DiscoveryResult, id: string): ImageSlot {
  const found = result.slots.filter((s) => s.id === id);
  assert.equal(
    found.length,
    1,
    `expected one slot ${id}, got ${result.slots.map((s) => s.id).join(', ')}`,
  );
  return found[0]!;
}

export function policySource(slot: ImageSlot): string | undefined {
  const policy = slot.policy;
  if (policy === undefined) return undefined;
  if (policy instanceof PolicyError) return `error: ${policy.message}`;
  return policy.policy.source;
}

export function slice(text: string, range: SourceRange | undefined): string | undefined {
  return range === undefined ? undefined : text.slice(range[0], range[1]);
}

/** The source text of each part of a slot's shape. */
export function shapeText(text: string, slot: ImageSlot): Record<string, string | undefined> {
  const shape = slot.shape;
  if (shape.kind === 'reference') return { reference: slice(text, shape.range) };
  const out: Record<string, string | undefined> = {};
  for (const part of ['registry', 'repository', 'tag', 'digest'] as const)
    if (shape[part] !== undefined) out[part] = slice(text, shape[part]);
  return out;
}

export function messages(result: DiscoveryResult): string[] {
  return result.notes.map(
    (n) => `${n.severity} ${n.file}:${n.line ?? '-'}:${n.column ?? '-'} ${n.message}`,
  );
}
