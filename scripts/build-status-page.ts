/**
 * Builds the status page (src/status-page/, issue 17) into a directory the server serves from
 * memory: `index.html` and `assets/` with content-hashed names (docs/decisions/0260-status-page-
 * preact-esbuild.md). Run by `npm test` and `npm run build` (before the tests that load it) and
 * by the production-tree build. The output is a pure function of the sources, so two builds
 * running at once write the same bytes; each file is written atomically.
 *
 *   npx tsx scripts/build-status-page.ts [OUT_DIR]    # default dist/status-page
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'src', 'status-page');
export const DEFAULT_OUT = path.join(ROOT, 'dist', 'status-page');

/** Browsers the bundle's syntax targets: evergreen releases from 2023 on. */
const TARGETS = ['chrome115', 'firefox115', 'safari16.4', 'edge115'];

export interface BuiltPage {
  readonly dir: string;
  /** Asset file names under `assets/`, by role. */
  readonly js: string;
  readonly css: string;
  readonly icon: string;
  /** Bytes of the JavaScript, raw and gzipped (level 9, as a server or proxy would send it). */
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
}

function hashed(name: string, body: Uint8Array): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const ext = path.extname(name);
  return `${path.basename(name, ext)}-${hash}${ext}`;
}

async function writeAtomically(file: string, body: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, body);
  await rename(temporary, file);
}

export async function buildStatusPage(out: string = DEFAULT_OUT): Promise<BuiltPage> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(SOURCE, 'main.tsx'), path.join(SOURCE, 'style.css')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(SOURCE, 'tsconfig.json'),
    outdir: 'out',
    write: false,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const jsFile = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const cssFile = result.outputFiles.find((file) => file.path.endsWith('.css'));
  if (jsFile === undefined || cssFile === undefined)
    throw new Error('build-status-page: esbuild produced no JavaScript or CSS');
  const iconBody = await readFile(path.join(SOURCE, 'icon.svg'));
  const files = new Map<string, Uint8Array>([
    [hashed('app.js', jsFile.contents), jsFile.contents],
    [hashed('app.css', cssFile.contents), cssFile.contents],
    [hashed('icon.svg', iconBody), iconBody],
  ]);
  const [js, css, icon] = [...files.keys()] as [string, string, string];
  const template = await readFile(path.join(SOURCE, 'index.html'), 'utf8');
  const index = template.replace('{{js}}', js).replace('{{css}}', css).replace('{{icon}}', icon);
  if (index.includes('{{'))
    throw new Error('build-status-page: a placeholder was left in index.html');

  const assets = path.join(out, 'assets');
  await mkdir(assets, { recursive: true });
  for (const [name, body] of files) await writeAtomically(path.join(assets, name), body);
  // Assets of earlier builds go; the server would otherwise keep them in memory.
  for (const name of await readdir(assets))
    if (!files.has(name) && !name.endsWith('.tmp'))
      await rm(path.join(assets, name), { force: true });
  await writeAtomically(path.join(out, 'index.html'), index);
  return {
    dir: out,
    js,
    css,
    icon,
    jsBytes: jsFile.contents.byteLength,
    jsGzipBytes: gzipSync(jsFile.contents, { level: 9 }).byteLength,
  };
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const out = path.resolve(process.argv[2] ?? DEFAULT_OUT);
  buildStatusPage(out).then(
    (page) => {
      process.stderr.write(
        `build-status-page: ${path.relative(ROOT, page.dir) || page.dir} (${page.js}: ${page.jsBytes} bytes, ${page.jsGzipBytes} gzipped)\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
