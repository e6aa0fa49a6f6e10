/**
 * Starts the real HTTP servers (fastify listeners on loopback ports chosen by the kernel) with
 * recording hooks, a fresh metrics object and secret files in a temporary directory, and posts
 * deliveries to them the way senders do.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import {
  startServers,
  STATUS_API_VERSION,
  type HealthReport,
  type ManualTriggerOutcome,
  type RunningServers,
  type ServerHooks,
  type StatusReport,
  type TriggerOutcome,
  type WebhookTrigger,
} from '../../../src/server/index.js';
import { createLogger, SecretRedactor } from '../../../src/telemetry/index.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

export interface Harness {
  readonly servers: RunningServers;
  readonly metrics: Metrics;
  readonly dir: string;
  readonly triggers: WebhookTrigger[];
  readonly manual: string[];
  /** What the hooks answer; tests change these. */
  readonly answers: {
    trigger: (trigger: WebhookTrigger) => TriggerOutcome;
    ready: HealthReport;
    live: HealthReport;
    status: StatusReport;
    manual: (repository: string) => ManualTriggerOutcome;
  };
  /** POSTs `body` to `/hook/<id>` on the webhook port. */
  post(id: string, body: Buffer | string, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export const EMPTY_STATUS: StatusReport = {
  apiVersion: STATUS_API_VERSION,
  generatedAt: '2026-01-01T00:00:00.000Z',
  controller: {
    version: '0.0.0-test',
    startedAt: '2026-01-01T00:00:00.000Z',
    replica: null,
    coordination: 'none',
    ready: true,
    shuttingDown: false,
  },
  repositories: [],
  registries: [],
};

export async function writeSecret(dir: string, name: string, secret: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${secret}\n`);
  return path;
}

export interface HarnessOptions {
  /** Raw `webhooks:` and `server:` sections; `secretFile` values are file names in the dir. */
  readonly webhooks?: Record<string, unknown>;
  readonly server?: Record<string, unknown>;
  /** Files to create in the temporary directory before start: name → content. */
  readonly files?: Record<string, string>;
  readonly redactor?: SecretRedactor;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'tagpilot-server-'));
  for (const [name, content] of Object.entries(options.files ?? {}))
    await writeSecret(dir, name, content);
  const inDir = (value: unknown): unknown =>
    typeof value === 'string' && !value.startsWith('/') ? join(dir, value) : value;
  const receivers = (
    (options.webhooks?.receivers as Record<string, unknown>[] | undefined) ?? []
  ).map((receiver) => ({
    ...receiver,
    ...(receiver.secretFile === undefined ? {} : { secretFile: inDir(receiver.secretFile) }),
    ...(receiver.signingTokenFile === undefined
      ? {}
      : { signingTokenFile: inDir(receiver.signingTokenFile) }),
  }));
  const server = { ...options.server };
  for (const key of ['statusTokenFile', 'triggerTokenFile'])
    if (server[key] !== undefined) server[key] = inDir(server[key]);
  const config = configSchema.parse({
    server: {
      webhooks: { address: '127.0.0.1', port: 0 },
      health: { address: '127.0.0.1', port: 0 },
      // A loaded test machine can hold the loop for seconds while modules load; liveness under
      // load is tested with a clock of its own (event-loop.test.ts).
      eventLoopLagLimit: '10m',
      ...server,
    },
    webhooks: { ...options.webhooks, receivers },
  });
  const triggers: WebhookTrigger[] = [];
  const manual: string[] = [];
  const answers: Harness['answers'] = {
    trigger: () => ({ kind: 'queued', repositories: ['deploy'] }),
    ready: { checks: [{ name: 'repositories', ok: true }] },
    live: { checks: [{ name: 'main-loop', ok: true }] },
    status: EMPTY_STATUS,
    manual: (repository) => ({ kind: 'queued', repository }),
  };
  const hooks: ServerHooks = {
    onTrigger(trigger) {
      triggers.push(trigger);
      return answers.trigger(trigger);
    },
    manualTrigger(repository) {
      manual.push(repository);
      return answers.manual(repository);
    },
    live: () => answers.live,
    ready: () => answers.ready,
    status: () => answers.status,
  };
  const metrics = createMetrics({ version: '0.0.0-test', processMetrics: false });
  const redactor = options.redactor ?? new SecretRedactor();
  const servers = await startServers({ server: config.server, webhooks: config.webhooks }, hooks, {
    metrics,
    logger: createLogger({ level: 'silent', redactor }),
    redactor,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    servers,
    metrics,
    dir,
    triggers,
    manual,
    answers,
    async post(id, body, headers = {}) {
      const response = await fetch(`${servers.webhooks.url}/hook/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
    },
    async close() {
      await servers.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
