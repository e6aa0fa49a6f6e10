/**
 * The ordering half of a policy: the sort key of a tag and how keys compare. Keys compare in
 * their natural ascending order; a policy's direction (`desc` picks the smallest) is applied by
 * the caller, so "better" always means "compares greater after direction".
 */
import type { SemVer } from 'semver';
import { compareAscii, compareDigits, compareVersions } from './semver-order.js';

export type SortKey =
  | { readonly kind: 'version'; readonly version: SemVer }
  | { readonly kind: 'decimal'; readonly int: string; readonly frac: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'time'; readonly ms: number };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * `numeric:` tags are non-negative decimals (`42`, `1.5`, `0007`). Flux v2 reads them with Go's
 * ParseFloat, which loses precision past 2^53; tagpilot compares the digits exactly instead, so
 * two long build numbers never tie by accident.
 */
export function decimalKey(tag: string): SortKey | undefined {
  const match = DECIMAL.exec(tag);
  if (match === null) return undefined;
  const [, int = '0', frac = ''] = match;
  return { kind: 'decimal', int, frac: frac.replace(/0+$/, '') };
}

/** Build time: `pushed ?? created`, where 0 (epoch, common in reproducible builds) is unknown. */
export function buildTime(
  pushed: number | undefined,
  created: number | undefined,
): number | undefined {
  if (pushed !== undefined && pushed > 0) return pushed;
  if (created !== undefined && created > 0) return created;
  return undefined;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.kind === 'version' && b.kind === 'version') return compareVersions(a.version, b.version);
  if (a.kind === 'decimal' && b.kind === 'decimal') {
    const int = compareDigits(a.int, b.int);
    if (int !== 0) return int;
    // Fractions without trailing zeros compare as strings once padded to the same length.
    const width = Math.max(a.frac.length, b.frac.length);
    return compareAscii(a.frac.padEnd(width, '0'), b.frac.padEnd(width, '0'));
  }
  if (a.kind === 'text' && b.kind === 'text') return compareAscii(a.text, b.text);
  if (a.kind === 'time' && b.kind === 'time') return Math.sign(a.ms - b.ms);
  // One policy yields one kind of key; mixing them is a programming error, kept total anyway.
  return compareAscii(a.kind, b.kind);
}
