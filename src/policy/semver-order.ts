/**
 * Version parsing and ordering for `semver:` policies.
 *
 * - Strict (tagpilot's default): SemVer 2.0.0 `X.Y.Z[-pre][+build]` with an optional leading
 *   `v`, parsed by node-semver. `1`, `1.0` and all-digit git SHAs are NOT versions, so a SHA
 *   such as `1234567` can never beat a real release (fluxcd/flux#2729).
 * - Lenient (Flux v1 keys and `semver-lenient:`): the shape Masterminds/semver v3's NewVersion
 *   accepts, `v?X[.Y[.Z]][-pre][+build]`, with missing parts read as 0 (Flux v1's behaviour).
 *
 * Ordering follows SemVer precedence (build metadata ignored) with one documented extension:
 * inside an alphanumeric prerelease identifier, runs of digits compare as numbers, so `rc10` is
 * newer than `rc9` (fluxcd/flux2#4599 shows users expect it; docs/decisions/0011).
 */
import semver, { type SemVer } from 'semver';

/** SemVer 2.0.0 with an optional `v`; undefined for anything else. */
export function parseStrictVersion(tag: string): SemVer | undefined {
  // node-semver trims its input; a tag never holds whitespace, so refuse it rather than trim.
  if (tag.trim() !== tag) return undefined;
  return semver.parse(tag, { loose: false }) ?? undefined;
}

// Masterminds/semver v3 NewVersion's accepted shape (facts from its docs: optional `v`, minor and
// patch may be missing, prerelease and build metadata as in SemVer).
const LENIENT =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Flux v1's lenient versions: `1`, `1.0`, `v1` are 1.0.0. */
export function parseLenientVersion(tag: string): SemVer | undefined {
  const match = LENIENT.exec(tag);
  if (match === null) return undefined;
  const [, major = '0', minor = '0', patch = '0', pre, build] = match;
  const text =
    [major, minor, patch].map(stripZeros).join('.') +
    (pre === undefined ? '' : `-${pre}`) +
    (build === undefined ? '' : `+${build}`);
  // node-semver rejects numeric prerelease identifiers with leading zeros, as Masterminds does.
  return semver.parse(text) ?? undefined;
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** SemVer precedence with the numeric-suffix extension; build metadata is ignored. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const main = a.compareMain(b);
  if (main !== 0) return main;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): number {
  // A version without prerelease ranks above any prerelease of the same X.Y.Z (SemVer §11.3).
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1; // fewer identifiers rank lower (SemVer §11.4.4)
    if (y === undefined) return 1;
    const order = compareIdentifier(String(x), String(y));
    if (order !== 0) return order;
  }
  return 0;
}

const DIGITS = /^\d+$/;

/** One prerelease identifier: numeric < alphanumeric (SemVer §11.4.3), else as below. */
export function compareIdentifier(x: string, y: string): number {
  const xNumeric = DIGITS.test(x);
  const yNumeric = DIGITS.test(y);
  if (xNumeric && yNumeric) return compareDigits(x, y);
  if (xNumeric) return -1;
  if (yNumeric) return 1;
  return compareNatural(x, y);
}

/**
 * Alphanumeric identifiers: split into digit and non-digit runs; digit runs compare as numbers,
 * other runs by ASCII. Equal runs fall back to plain ASCII order of the whole identifier so the
 * order stays total (`rc09` vs `rc9`).
 */
export function compareNatural(x: string, y: string): number {
  const xs = x.match(/\d+|\D+/g) ?? [];
  const ys = y.match(/\d+|\D+/g) ?? [];
  const length = Math.min(xs.length, ys.length);
  for (let i = 0; i < length; i += 1) {
    const a = xs[i] ?? '';
    const b = ys[i] ?? '';
    const order = DIGITS.test(a) && DIGITS.test(b) ? compareDigits(a, b) : compareAscii(a, b);
    if (order !== 0) return order;
  }
  if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
  return compareAscii(x, y);
}

/** Compares two non-negative decimal integers of any length exactly. */
export function compareDigits(x: string, y: string): number {
  const a = stripZeros(x);
  const b = stripZeros(y);
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return compareAscii(a, b);
}

/** Code-unit order, the same as Go's and JavaScript's default string sort. */
export function compareAscii(x: string, y: string): number {
  if (x === y) return 0;
  return x < y ? -1 : 1;
}
