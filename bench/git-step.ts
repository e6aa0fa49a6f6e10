/**
 * One side of bench/git.ts: tagpilot's Git store doing one step, compiled with the sources and run
 * with plain `node` (as the installed package runs), so a whole-process figure carries Node's
 * start-up and the imports and nothing of tsx.
 *
 *   node git-step.js sync   URL CACHE                        → {"ms":…}
 *   node git-step.js commit URL CACHE SHAPE COUNT N TAG      → {"ms":…} (commit + push)
 *   node git-step.js serve  URL CACHE SHAPE COUNT            → one JSON line per stdin command:
 *       sync | commit N TAG | read                             (exits when stdin ends)
 *
 * `ms` is the operation timed inside the process (open and close of the store excluded).
 */
import { createInterface } from 'node:readline';
import { openGitStore, type OpenedGitStore } from '../src/git/index.js';
import { SecretRedactor } from '../src/telemetry/index.js';
import { editedFiles, filePath, fileText, isManifest, isShape, type Shape } from './git-repos.js';

const encoder = new TextEncoder();

function open(url: string, cacheDir: string): Promise<OpenedGitStore> {
  return openGitStore({
    url,
    branch: 'main',
    cacheDir,
    author: { name: 'tagpilot', email: 'tagpilot@example.test' },
    redactor: new SecretRedactor(),
    cache: {},
  });
}

async function commitAndPush(
  store: OpenedGitStore,
  shape: Shape,
  count: number,
  n: number,
  tag: string,
): Promise<number> {
  const writes = editedFiles(shape, count, n).map((i) => ({
    path: filePath(shape, i),
    bytes: encoder.encode(fileText(shape, i, tag)),
  }));
  const started = performance.now();
  await store.commit(writes, `bench: ${n} file(s) to ${tag}`);
  await store.push();
  return performance.now() - started;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Reads every file at the head, then only the manifests (by path). */
async function read(store: OpenedGitStore, shape: Shape, count: number): Promise<object> {
  const head = await store.head();
  let files = 0;
  const allMs = await timed(async () => {
    files = (await store.readFiles([''], head)).length;
  });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) if (isManifest(shape, i)) paths.push(filePath(shape, i));
  const manifestsMs = await timed(() => store.readFiles(paths, head));
  return { ms: manifestsMs, allMs, files, manifests: paths.length };
}

async function serve(store: OpenedGitStore, shape: Shape, count: number): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, a, b] = line.trim().split(' ');
    let reply: object;
    if (command === 'sync') reply = { ms: await timed(() => store.sync()) };
    else if (command === 'commit') {
      reply = { ms: await commitAndPush(store, shape, count, Number(a), b ?? 'x') };
    } else if (command === 'read') reply = await read(store, shape, count);
    else reply = { error: `unknown command ${JSON.stringify(line)}` };
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [mode, url = '', cacheDir = '', shapeText = 'deep', countText = '0', n, tag] = argv;
  if (!isShape(shapeText)) throw new Error(`unknown shape ${shapeText}`);
  const count = Number(countText);
  const store = await open(url, cacheDir);
  try {
    if (mode === 'sync') {
      process.stdout.write(`${JSON.stringify({ ms: await timed(() => store.sync()) })}\n`);
    } else if (mode === 'commit') {
      const ms = await commitAndPush(store, shapeText, count, Number(n), tag ?? 'x');
      process.stdout.write(`${JSON.stringify({ ms })}\n`);
    } else if (mode === 'serve') {
      await serve(store, shapeText, count);
    } else {
      throw new Error(`unknown mode ${String(mode)}`);
    }
  } finally {
    await store.close();
  }
}

await main(process.argv.slice(2));
