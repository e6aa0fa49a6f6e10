/**
 * The demo, automated and served: the demo world (demo-world.ts), real cycles that leave its
 * workloads automated, locked, held and pending, and the real HTTP servers (`startServers`) whose
 * status hook answers with those cycles' report and whose `distribution` webhook receiver runs a
 * cycle — the controller's job in miniature, until `tagpilot controller` lands (issue 10).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import {
  startServers,
  statusReportSchema,
  type RunningServers,
  type StatusReport,
} from '../../../src/server/index.js';
import { distribution } from '../../../src/server/webhooks/distribution.js';
import { createLogger, SecretRedactor } from '../../../src/telemetry/index.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import type { World } from '../../e2e/harness.js';
import { CycleStatusSource } from './cycle-status.js';
import { startDemoWorld } from './demo-world.js';

export const REPOSITORY_NAME = 'demo';
const WEBHOOK_SECRET = 'status-page-webhook-secret';

export interface ServedDemo {
  readonly world: World;
  readonly source: CycleStatusSource;
  readonly servers: RunningServers;
  /** The status page's address. */
  readonly pageUrl: string;
  /** The status API's report now. */
  status(): Promise<StatusReport>;
  /** Posts a signed registry notification naming `repository` (`acme/api`), as the registry would. */
  notify(repository: string, id: string): Promise<number>;
  stop(): Promise<void>;
}

export interface ServedDemoOptions {
  /** A status token: the page then needs it as the basic-auth password. */
  readonly statusToken?: string;
  readonly statusPageDir?: string;
}

/**
 * Brings the demo to the states the page shows: one cycle commits api 1.4.3 and worker 2.0.1;
 * a person rolls worker back (held); api 1.4.4 is pushed and not yet committed (pending);
 * billing and the XSS fixture are locked in the manifests.
 */
export async function startServedDemo(options: ServedDemoOptions = {}): Promise<ServedDemo> {
  const world = await startDemoWorld();
  const dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-status-page-'));
  let servers: RunningServers | undefined;
  try {
    const source = new CycleStatusSource(world, REPOSITORY_NAME);
    await source.cycle('startup');
    const worker = (await world.file('apps/worker.yaml')).replace(':2.0.1', ':2.0.0');
    await world.personCommit(
      { 'apps/worker.yaml': { content: worker } },
      'Roll worker back to 2.0.0',
    );
    await source.cycle('git_webhook');
    await world.push('acme/api', ['1.4.4']);
    await source.refresh();

    await writeFile(path.join(dir, 'hook'), WEBHOOK_SECRET);
    if (options.statusToken !== undefined)
      await writeFile(path.join(dir, 'status'), options.statusToken);
    const config = configSchema.parse({
      server: {
        webhooks: { address: '127.0.0.1', port: 0 },
        health: { address: '127.0.0.1', port: 0 },
        eventLoopLagLimit: '10m',
        ...(options.statusToken === undefined ? {} : { statusTokenFile: path.join(dir, 'status') }),
      },
      webhooks: {
        receivers: [{ name: 'registry', type: 'distribution', secretFile: path.join(dir, 'hook') }],
      },
    });
    const redactor = new SecretRedactor();
    servers = await startServers(
      { server: config.server, webhooks: config.webhooks },
      {
        onTrigger(trigger) {
          void source.cycle('registry_webhook', trigger.receivedAt);
          return { kind: 'queued', repositories: [REPOSITORY_NAME] };
        },
        manualTrigger: () => ({ kind: 'unknown_repository' }),
        live: () => ({ checks: [] }),
        ready: () => ({ checks: [] }),
        status: () => source.report(),
      },
      {
        metrics: createMetrics({ version: '0.1.0', processMetrics: false }),
        logger: createLogger({ level: 'silent', redactor }),
        redactor,
        statusPageDir: options.statusPageDir,
      },
    );
    const running = servers;
    return {
      world,
      source,
      servers: running,
      pageUrl: `${running.health.url}/status/`,
      async status() {
        const response = await fetch(`${running.health.url}/api/v1/status`);
        return statusReportSchema.parse(await response.json());
      },
      async notify(repository, id) {
        const sample = distribution.sender?.sample({
          kind: 'image',
          image: `${world.host}/${repository}`,
          deliveryId: id,
        });
        if (sample === undefined) throw new Error('distribution has no sample delivery');
        const auth =
          distribution.sender?.authenticate(sample, WEBHOOK_SECRET, {
            now: Date.now(),
            header: 'Authorization',
          }) ?? {};
        const response = await fetch(`${running.webhooks.url}/hook/registry`, {
          method: 'POST',
          headers: { ...sample.headers, ...auth },
          body: sample.body,
        });
        await response.arrayBuffer();
        return response.status;
      },
      async stop() {
        await running.close();
        await world.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    await servers?.close();
    await world.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
