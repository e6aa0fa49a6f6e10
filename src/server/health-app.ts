/**
 * The health port: `/livez`, `/readyz`, `/metrics`, and the status API (`/api/v1/...`): the
 * read-only status (optionally behind a bearer token) and the manual trigger (always behind its
 * own token; off without one). Kept off the webhook port so an Ingress for webhooks never
 * exposes them.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config/index.js';
import type { Logger, SecretRedactor } from '../telemetry/index.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { EventLoopMonitor } from './event-loop.js';
import { serverFactoryFor } from './http.js';
import { redactDeep } from './redact-deep.js';
import type { SecretFile } from './secret-file.js';
import type { StatusReport } from './status-schema.js';
import type { HealthCheck, HealthReport, ServerHooks } from './types.js';
import { safeEqual } from './verify.js';

export interface HealthAppOptions {
  readonly server: ServerConfig;
  readonly hooks: ServerHooks;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly loop: EventLoopMonitor;
  readonly statusToken: SecretFile | undefined;
  readonly triggerToken: SecretFile | undefined;
  /** True once both listeners are up. */
  readonly listening: () => boolean;
  readonly accepting: () => boolean;
}

function problem(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

function bearerOf(request: FastifyRequest): string | undefined {
  const value = request.headers.authorization;
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}

function healthBody(checks: readonly HealthCheck[]): {
  status: 'ok' | 'failed';
  checks: readonly HealthCheck[];
} {
  return { status: checks.every((check) => check.ok) ? 'ok' : 'failed', checks };
}

export function buildHealthApp(options: HealthAppOptions): FastifyInstance {
  const { hooks, metrics, logger, redactor } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 1024,
    serverFactory: serverFactoryFor(options.server, undefined),
    return503OnClosing: false,
    forceCloseConnections: true,
  });

  const report = async (
    reply: FastifyReply,
    own: readonly HealthCheck[],
    theirs: () => HealthReport | Promise<HealthReport>,
  ): Promise<FastifyReply> => {
    let checks: HealthCheck[];
    try {
      checks = [...own, ...(await theirs()).checks];
    } catch (error: unknown) {
      logger.error({ err: error }, 'health hook failed');
      checks = [...own, { name: 'controller', ok: false, detail: 'the health hook failed' }];
    }
    const body = healthBody(checks);
    return reply.code(body.status === 'ok' ? 200 : 503).send(redactDeep(body, redactor));
  };

  app.get('/livez', async (_request, reply) => {
    const lag = options.loop.lagMs();
    const limit = options.server.eventLoopLagLimit;
    const loop: HealthCheck = {
      name: 'event-loop',
      ok: lag <= limit,
      detail: `lag ${Math.round(lag)} ms (limit ${limit} ms)`,
    };
    return report(reply, [loop], () => hooks.live());
  });

  app.get('/readyz', async (_request, reply) => {
    const listeners: HealthCheck = {
      name: 'listeners',
      ok: options.listening(),
      detail: options.listening() ? 'webhook and health ports open' : 'not listening yet',
    };
    return report(reply, [listeners], () => hooks.ready());
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.render();
    return reply.header('content-type', metrics.contentType).send(text);
  });

  const authorised = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: SecretFile | undefined,
  ): Promise<boolean> => {
    if (token === undefined) return true;
    if (safeEqual(bearerOf(request), await token.value())) return true;
    void reply.header('www-authenticate', 'Bearer realm="tagpilot"');
    await problem(reply, 401, 'UNAUTHORIZED', 'a valid bearer token is required');
    return false;
  };

  const status = async (): Promise<StatusReport> => redactDeep(await hooks.status(), redactor);

  app.get('/api/v1/status', async (request, reply) => {
    if (!(await authorised(request, reply, options.statusToken))) return reply;
    return reply.header('cache-control', 'no-store').send(await status());
  });

  app.get<{ Params: { repository: string } }>(
    '/api/v1/repositories/:repository',
    async (request, reply) => {
      if (!(await authorised(request, reply, options.statusToken))) return reply;
      const found = (await status()).repositories.find(
        (repository) => repository.name === request.params.repository,
      );
      if (found === undefined)
        return problem(
          reply,
          404,
          'UNKNOWN_REPOSITORY',
          `no repository named ${request.params.repository}`,
        );
      return reply.header('cache-control', 'no-store').send(found);
    },
  );

  app.post<{ Params: { repository: string } }>(
    '/api/v1/repositories/:repository/trigger',
    async (request, reply) => {
      if (options.triggerToken === undefined)
        return problem(
          reply,
          403,
          'TRIGGER_DISABLED',
          'manual triggers are off on this controller: set server.triggerTokenFile to enable them',
        );
      if (!(await authorised(request, reply, options.triggerToken))) return reply;
      if (!options.accepting())
        return problem(reply, 503, 'SHUTTING_DOWN', 'the controller is shutting down');
      const name = request.params.repository;
      const outcome = await hooks.manualTrigger(name);
      switch (outcome.kind) {
        case 'queued':
          logger.info({ repository: outcome.repository }, 'manual trigger queued a cycle');
          return reply.code(202).send({ result: 'queued', repository: outcome.repository });
        case 'unknown_repository':
          return problem(reply, 404, 'UNKNOWN_REPOSITORY', `no repository named ${name}`);
        case 'not_owned':
          return problem(
            reply,
            409,
            'NOT_OWNED',
            `another replica${outcome.owner === undefined ? '' : ` (${outcome.owner})`} owns ${name}; trigger it there`,
          );
        case 'shutting_down':
          return problem(reply, 503, 'SHUTTING_DOWN', 'the controller is shutting down');
      }
    },
  );

  app.setNotFoundHandler((request, reply) =>
    problem(
      reply,
      404,
      'NOT_FOUND',
      `no such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}`,
    ),
  );
  app.setErrorHandler((error, _request, reply) => {
    const code = (error as { statusCode?: number }).statusCode;
    if (code !== undefined && code >= 400 && code < 500)
      return problem(reply, code, 'BAD_REQUEST', 'malformed request');
    logger.error({ err: error }, 'status API request failed');
    return problem(reply, 500, 'INTERNAL', 'internal error; see the controller log');
  });
  return app;
}
