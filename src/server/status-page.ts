/**
 * The status page (issue 17, docs/status-page.md) on the health port: a read-only single-page app
 * that `scripts/build-status-page.ts` bundles into `dist/status-page/` (index.html + hashed
 * assets). The server reads the directory once at start-up and serves it from memory, with a
 * strict Content-Security-Policy: scripts and styles from this origin only, nothing inline, no
 * string reaching an HTML sink (Trusted Types), nothing loaded from anywhere else.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the build writes the page: `<package root>/dist/status-page`, both for a clone (this file
 * is `src/server/status-page.ts`) and for the production tree (`dist/server/status-page.js`).
 */
export const DEFAULT_STATUS_PAGE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'status-page',
);

/** Served with every page response (the JSON API keeps its own headers). */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  // Any string assigned to innerHTML and the like throws: data can only ever become text.
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': STATUS_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StatusPageAsset {
  readonly body: Buffer;
  readonly type: string;
}

export type StatusPage =
  | {
      readonly built: true;
      readonly index: Buffer;
      /** By file name under `assets/`; names carry a content hash, so they never change. */
      readonly assets: ReadonlyMap<string, StatusPageAsset>;
    }
  /** The bundle was never built (a clone before `npm run build:status-page`). */
  | { readonly built: false; readonly dir: string };

/** Reads the built page; a missing directory is not an error here (the page then says why). */
export async function loadStatusPage(dir: string = DEFAULT_STATUS_PAGE_DIR): Promise<StatusPage> {
  let index: Buffer;
  try {
    index = await readFile(path.join(dir, 'index.html'));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { built: false, dir };
    throw error;
  }
  const assets = new Map<string, StatusPageAsset>();
  for (const name of await readdir(path.join(dir, 'assets'))) {
    const type = TYPES[path.extname(name)];
    if (type === undefined) continue;
    assets.set(name, { body: await readFile(path.join(dir, 'assets', name)), type });
  }
  return { built: true, index, assets };
}

/** What the health port answers for `/status/` when the page was not built. */
export function notBuiltMessage(dir: string): string {
  return `The status page was not built (${dir} is missing). In a clone, run \`npm run build:status-page\`; the status API is at /api/v1/status.\n`;
}
