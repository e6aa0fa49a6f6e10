#!/usr/bin/env node
// Entry point for both a clone and an installed package (docs/decisions/0001-esm-and-tsx.md):
// an installed package ships compiled JavaScript in dist/; a clone runs the TypeScript sources
// through tsx, so `./bin/tagpilot` and `npx tagpilot` work right after `npm ci`, with no build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureNode } from './ensure-node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Under an older Node (the machine's, through the shebang) this re-runs us under the project's
// Node 24 and does not return.
await ensureNode(root, fileURLToPath(import.meta.url));
const source = join(root, 'src', 'cli', 'main.ts');
let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else {
  entry = join(root, 'dist', 'cli', 'main.js');
}
// `tagpilot list-workloads | head` closes the pipe early: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
