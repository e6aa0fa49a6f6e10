/**
 * tagpilot's HTTP side (issue 10 §3): webhook receivers on one port; `/livez`, `/readyz`,
 * `/metrics` and the status API on another. The controller starts it with its hooks and the
 * metrics it created; the server never imports the controller (docs/architecture.md).
 *
 *   const servers = await startServers({ server, webhooks }, hooks, { metrics, logger, redactor });
 *   ...
 *   servers.stopTriggers(); // SIGTERM: refuse new triggers, keep health up
 *   await servers.close();
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { EventLoopMonitor } from './event-loop.js';
import { ServerListenError } from './errors.js';
import { buildHealthApp } from './health-app.js';
import { urlOf } from './http.js';
import { configureReceivers } from './receivers.js';
import { SecretFile } from './secret-file.js';
import { loadStatusPage } from './status-page.js';
import type { ListenAddress, RunningServers, ServerDeps, ServerHooks } from './types.js';
import { buildWebhookApp } from './webhook-app.js';

/** The two config sections the server reads. */
export type ServerSettings = Pick<Config, 'server' | 'webhooks'>;

async function listen(
  app: FastifyInstance,
  listener: 'webhooks' | 'health',
  address: string,
  port: number,
): Promise<ListenAddress> {
  try {
    await app.listen({ host: address, port });
  } catch (error: unknown) {
    throw new ServerListenError(listener, address, port, error);
  }
  const bound = app.server.address();
  const actual = typeof bound === 'object' && bound !== null ? bound.port : port;
  return { address, port: actual, url: urlOf(address, actual) };
}

/**
 * Starts both listeners. Throws ConfigError when a receiver's or token's secret file is missing
 * or empty, ServerListenError when a port cannot be bound (nothing is left listening then).
 */
export async function startServers(
  settings: ServerSettings,
  hooks: ServerHooks,
  deps: ServerDeps,
): Promise<RunningServers> {
  const now = deps.now ?? Date.now;
  const { server } = settings;
  const token = async (
    path: string | undefined,
    setting: string,
  ): Promise<SecretFile | undefined> =>
    path === undefined
      ? undefined
      : SecretFile.open(path, { setting, redactor: deps.redactor, logger: deps.logger, now });
  const statusToken = await token(server.statusTokenFile, 'server.statusTokenFile');
  const triggerToken = await token(server.triggerTokenFile, 'server.triggerTokenFile');
  const receivers = await configureReceivers(settings.webhooks, {
    logger: deps.logger,
    redactor: deps.redactor,
    now,
    fetch: deps.fetch ?? fetch,
  });
  for (const receiver of receivers)
    deps.metrics.webhooks.declareReceiver(receiver.name, receiver.config.type);

  const statusPage = await loadStatusPage(deps.statusPageDir);
  if (!statusPage.built)
    deps.logger.warn(
      { dir: statusPage.dir },
      'status page not built: /status/ answers 503 (run npm run build:status-page)',
    );

  let accepting = true;
  let listening = false;
  const loop = new EventLoopMonitor(now);
  const webhookApp = buildWebhookApp({
    server,
    receivers,
    hooks,
    metrics: deps.metrics,
    logger: deps.logger,
    now,
    accepting: () => accepting,
  });
  const healthApp = buildHealthApp({
    server,
    hooks,
    metrics: deps.metrics,
    logger: deps.logger,
    redactor: deps.redactor,
    loop,
    statusToken,
    triggerToken,
    statusPage,
    listening: () => listening,
    accepting: () => accepting,
  });

  let health: ListenAddress;
  let webhooks: ListenAddress;
  try {
    health = await listen(healthApp, 'health', server.health.address, server.health.port);
    webhooks = await listen(webhookApp, 'webhooks', server.webhooks.address, server.webhooks.port);
  } catch (error: unknown) {
    await Promise.allSettled([healthApp.close(), webhookApp.close()]);
    throw error;
  }
  loop.start();
  listening = true;
  deps.logger.info(
    { webhooks: webhooks.url, health: health.url, receivers: receivers.map((r) => r.name) },
    'HTTP servers listening',
  );
  let closing: Promise<void> | undefined;
  return {
    webhooks,
    health,
    stopTriggers() {
      accepting = false;
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        listening = false;
        loop.stop();
        await Promise.allSettled([webhookApp.close(), healthApp.close()]);
      })();
      return closing;
    },
  };
}

export { forgeCommitUrl } from './forge-link.js';
export { gitRepositoryKey } from './git-url.js';
export { imageRepository, imageRepositoryOf } from './image-name.js';
export { secretPath } from './verify.js';
export { DEFAULT_STATUS_PAGE_DIR, STATUS_PAGE_CSP } from './status-page.js';
export { ServerListenError, StatusResponseError } from './errors.js';
export * from './status-schema.js';
export type * from './types.js';
