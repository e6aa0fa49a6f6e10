/**
 * The demo repository (examples/demo/, as scripts/demo.ts serves it) in the end-to-end world of
 * test/e2e/harness.ts — Debian's docker-registry and git http-backend on loopback — plus an XSS
 * fixture: a workload whose name, container and lock message are HTML that must render as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorld, type World } from '../../e2e/harness.js';

const DEMO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../examples/demo/apps',
);

export const XSS = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(2)>';

function xssFixture(host: string): string {
  return `# A hostile manifest: every value below must reach the page as text.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "${XSS}"
  namespace: shop
  annotations:
    tagpilot.io/automated: 'true'
    tagpilot.io/locked: 'true'
    tagpilot.io/locked_user: "${XSS_IMG}"
    tagpilot.io/locked_msg: "${XSS}"
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${host}/acme/worker:2.0.0
`;
}

/** The demo's files for a registry at `host`, with the XSS fixture beside them. */
export function demoFiles(host: string): Record<string, { content: string }> {
  const files: Record<string, { content: string }> = {};
  for (const name of readdirSync(DEMO).sort())
    files[`apps/${name}`] = {
      content: readFileSync(path.join(DEMO, name), 'utf8').replaceAll('REGISTRY', host),
    };
  files['apps/xss.yaml'] = { content: xssFixture(host) };
  return files;
}

/** Starts the world and pushes the demo's images (as scripts/demo.ts does). */
export async function startDemoWorld(config?: (host: string) => string): Promise<World> {
  const world = await startWorld(demoFiles, config);
  try {
    for (const tag of ['1.4.2', '1.4.3', '1.5.0']) await world.push('acme/api', [tag]);
    for (const tag of ['2.0.0', '2.0.1']) await world.push('acme/worker', [tag]);
  } catch (error: unknown) {
    await world.stop();
    throw error;
  }
  return world;
}
