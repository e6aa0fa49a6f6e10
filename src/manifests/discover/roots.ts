/**
 * Deployable roots: each file belongs to the nearest directory holding a kustomization file, not
 * above the configured path that contains it; otherwise to that configured path. Definitions are
 * compared within one root only, so `clusters/staging` and `clusters/prod` may both define
 * `prod:deployment/api` (decision 0031).
 */
import { posix } from 'node:path';

const UNUSUAL = /(^|\/)\.{1,2}(\/|$)|\/\/|\\|\/$|^\.$|^$/;

/** `./a/b/` → `a/b`; `.` and `` → `` (the repository root). */
export function normalizePath(path: string): string {
  // Most paths from Git are already normal; skip the work for them.
  if (!UNUSUAL.test(path)) return path;
  const normal = posix.normalize(path.replaceAll('\\', '/'));
  const trimmed = normal.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

export function isUnder(file: string, dir: string): boolean {
  return dir === '' || file === dir || file.startsWith(`${dir}/`);
}

export function dirname(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

/** The most specific configured path holding the file, or undefined when none does. */
export function configuredRoot(file: string, paths: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const path of paths)
    if (isUnder(file, path) && (best === undefined || path.length > best.length)) best = path;
  return best;
}

/** The root a file belongs to (`.` for the repository root). */
export function rootOf(
  file: string,
  configured: string,
  kustomizationDirs: ReadonlySet<string>,
): string {
  let dir = dirname(file);
  for (;;) {
    if (kustomizationDirs.has(dir) && isUnder(dir, configured)) return dir === '' ? '.' : dir;
    if (dir === configured || dir === '') break;
    dir = dirname(dir);
  }
  return configured === '' ? '.' : configured;
}

/** Resolves a path written in a kustomization file to a repository path (undefined if outside). */
export function resolveFrom(dir: string, written: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(written) || written.startsWith('/')) return undefined;
  const joined = posix.normalize(dir === '' ? written : `${dir}/${written}`);
  if (joined.startsWith('..')) return undefined;
  return normalizePath(joined);
}
