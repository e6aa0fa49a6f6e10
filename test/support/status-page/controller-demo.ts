/**
 * NOT YET RUN: written against the controller of the "core" engineer's branch before it landed;
 * test/status-page/browser.test.ts switches from served-demo.ts to this file once
 * `tagpilot controller` is on main (issue 17's follow-up).
 *
 * The demo served by the real controller: `tagpilot controller` as a child process (the same
 * entry point the container image runs) with the demo repository (demo-world.ts) on Debian's
 * docker-registry and git http-backend, a `distribution` webhook receiver and the manual trigger.
 * The controller serves the page built in the package's `dist/status-page` (build it first).
 * `startControllerDemo` brings the demo's workloads to every state the status page shows:
 * automated, locked (billing and the XSS fixture, in the manifests), held (a person rolls
 * tagpilot's worker update back) and pending (api 1.4.4 appears while automation is suspended).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusReportSchema, type StatusReport } from '../../../src/server/index.js';
import { distribution } from '../../../src/server/webhooks/distribution.js';
import type { World } from '../../e2e/harness.js';
import { freePort } from '../ports.js';
import { startDemoWorld } from './demo-world.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const REPOSITORY_NAME = 'demo';
const WEBHOOK_SECRET = 'status-page-webhook-secret';
const TRIGGER_TOKEN = 'status-page-trigger-token';
/** Long enough that no interval cycle runs during a test: every cycle has a known trigger. */
const INTERVAL = '1h';

export interface ServedDemo {
  readonly world: World;
  /** The status page's address. */
  readonly pageUrl: string;
  /** The status API's report now. */
  status(): Promise<StatusReport>;
  /** Posts a signed registry notification naming `repository` (`acme/api`), as the registry would. */
  notify(repository: string, id: string): Promise<number>;
  /** What the controller wrote to stderr (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface ServedDemoOptions {
  /** A status token: the page then needs it as the basic-auth password. */
  readonly statusToken?: string;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  log: () => string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startControllerDemo(options: ServedDemoOptions = {}): Promise<ServedDemo> {
  const world = await startDemoWorld();
  const dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-controller-demo-'));
  let child: ChildProcess | undefined;
  let stderr = '';
  const log = (): string => stderr.slice(-4000);
  const cleanup = async (): Promise<void> => {
    if (child !== undefined) await stopChild(child);
    await world.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [health, webhooks] = [await freePort(), await freePort()];
    await writeFile(path.join(dir, 'hook'), WEBHOOK_SECRET);
    await writeFile(path.join(dir, 'trigger'), TRIGGER_TOKEN);
    if (options.statusToken !== undefined)
      await writeFile(path.join(dir, 'status'), options.statusToken);
    const config = path.join(dir, 'controller.yaml');
    await writeFile(
      config,
      [
        `repositories:\n  - url: ${world.url}\n    branch: main\n    name: ${REPOSITORY_NAME}`,
        `registries:\n  hosts:\n    "${world.host}":\n      insecure: true`,
        `cache:\n  dir: ${path.join(dir, 'cache')}`,
        `automation:\n  interval: ${INTERVAL}\n  coalesceWindow: 100ms`,
        'server:',
        `  webhooks: { address: 127.0.0.1, port: ${webhooks} }`,
        `  health: { address: 127.0.0.1, port: ${health} }`,
        `  triggerTokenFile: ${path.join(dir, 'trigger')}`,
        ...(options.statusToken === undefined
          ? []
          : [`  statusTokenFile: ${path.join(dir, 'status')}`]),
        'webhooks:\n  receivers:',
        `    - { name: registry, type: distribution, secretFile: ${path.join(dir, 'hook')} }`,
        '',
      ].join('\n'),
    );
    const started = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'tagpilot.js'), 'controller', '--config', config],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = started;
    started.stderr.setEncoding('utf8');
    started.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const healthUrl = `http://127.0.0.1:${health}`;
    const auth: Record<string, string> =
      options.statusToken === undefined ? {} : { authorization: `Bearer ${options.statusToken}` };
    const status = async (): Promise<StatusReport> => {
      const response = await fetch(`${healthUrl}/api/v1/status`, { headers: auth });
      if (!response.ok) throw new Error(`status API answered ${response.status}`);
      return statusReportSchema.parse(await response.json());
    };
    const cycles = async (): Promise<number> =>
      (await status()).repositories[0]?.cycles.filter((c) => c.finishedAt !== null).length ?? 0;
    /** Runs a manual cycle and waits until it finished. */
    const manualCycle = async (): Promise<void> => {
      const before = await cycles();
      const response = await fetch(`${healthUrl}/api/v1/repositories/${REPOSITORY_NAME}/trigger`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TRIGGER_TOKEN}` },
      });
      if (response.status !== 202) throw new Error(`manual trigger answered ${response.status}`);
      await until(
        'the manual cycle',
        async () => ((await cycles()) > before ? true : undefined),
        log,
      );
    };
    const exited = new Promise<never>((_resolve, reject) => {
      started.once('exit', (code) => {
        reject(new Error(`the controller exited (${code})\n${log()}`));
      });
    });
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      until('the startup cycle', async () => ((await cycles()) > 0 ? true : undefined), log),
    ]);

    const worker = (await world.file('apps/worker.yaml')).replace(':2.0.1', ':2.0.0');
    await world.personCommit(
      { 'apps/worker.yaml': { content: worker } },
      'Roll worker back to 2.0.0',
    );
    await world.push('acme/api', ['1.4.4']);
    const suspended = await world.cli(['suspend', '--message', 'release freeze']);
    if (suspended.code !== 0) throw new Error(`tagpilot suspend failed: ${suspended.stderr}`);
    await manualCycle();

    return {
      world,
      pageUrl: `${healthUrl}/status/`,
      status,
      async notify(repository, id) {
        const sample = distribution.sender?.sample({
          kind: 'image',
          image: `${world.host}/${repository}`,
          deliveryId: id,
        });
        if (sample === undefined) throw new Error('distribution has no sample delivery');
        const response = await fetch(`http://127.0.0.1:${webhooks}/hook/registry`, {
          method: 'POST',
          headers: { ...sample.headers, authorization: WEBHOOK_SECRET },
          body: sample.body,
        });
        await response.arrayBuffer();
        return response.status;
      },
      log,
      stop: cleanup,
    };
  } catch (error: unknown) {
    await cleanup();
    throw error;
  }
}
