/**
 * The webhook port. Order of work for each delivery, cheapest refusal first, so abuse costs
 * little: find the receiver from the path (404) → its rate limit (429) → the declared length
 * against its body cap (413) → read the body up to the cap (413) → verify on the raw bytes (401)
 * → only then parse (400 / 202 ignored) → a delivery id seen before (202 duplicate) → hand each
 * named repository to the controller (202). Every outcome is counted in
 * `tagpilot_webhook_requests_total`.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { ServerConfig } from '../config/index.js';
import type { Logger } from '../telemetry/index.js';
import type { Metrics, WebhookOutcome } from '../telemetry/metrics.js';
import { BodyTooLargeError } from './errors.js';
import { serverFactoryFor } from './http.js';
import { findReceiver, type ConfiguredReceiver } from './receivers.js';
import type { ServerHooks, TriggerOutcome } from './types.js';

export interface WebhookAppOptions {
  readonly server: ServerConfig;
  readonly receivers: readonly ConfiguredReceiver[];
  readonly hooks: Pick<ServerHooks, 'onTrigger'>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** False once the controller stops taking triggers (graceful shutdown). */
  readonly accepting: () => boolean;
}

const STATUS: Readonly<Record<WebhookOutcome, number>> = {
  triggered: 202,
  no_match: 202,
  duplicate: 202,
  ignored: 202,
  unauthorized: 401,
  too_large: 413,
  rate_limited: 429,
  bad_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  unavailable: 503,
  error: 500,
};

interface DeliveryState {
  readonly receiver: ConfiguredReceiver;
  readonly receivedAt: number;
}

function readCapped(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stream.off('data', onData);
        stream.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    stream.once('error', reject);
  });
}

function lowerCaseHeaders(request: FastifyRequest): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export function buildWebhookApp(options: WebhookAppOptions): FastifyInstance {
  const { metrics, logger, receivers } = options;
  const largest = Math.max(1024, ...receivers.map((receiver) => receiver.maxBodyBytes));
  const app = Fastify({
    logger: false,
    bodyLimit: largest,
    serverFactory: serverFactoryFor(options.server, options.server.maxConnections),
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  const states = new WeakMap<FastifyRequest, DeliveryState>();

  const finish = (
    reply: FastifyReply,
    receiver: ConfiguredReceiver | undefined,
    outcome: WebhookOutcome,
    message: string,
    extra: Record<string, unknown> = {},
  ): FastifyReply => {
    metrics.webhooks.delivery({
      receiver: receiver?.name ?? 'unknown',
      type: receiver?.config.type ?? 'unknown',
      outcome,
    });
    const status = STATUS[outcome];
    if (status >= 400)
      logger.debug({ receiver: receiver?.name, outcome, reason: message }, 'webhook refused');
    // A refusal before the body was read closes the connection instead of draining the body.
    if (outcome === 'too_large' || outcome === 'rate_limited' || outcome === 'not_found')
      void reply.header('connection', 'close');
    return reply.code(status).send({ result: outcome, message, ...extra });
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const state = states.get(request);
    const limit = state?.receiver.maxBodyBytes ?? largest;
    readCapped(payload, limit).then(
      (body) => {
        done(null, body);
      },
      (error: unknown) => {
        done(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const receiver = states.get(request)?.receiver;
    const status = (error as { statusCode?: number }).statusCode;
    if (error instanceof BodyTooLargeError || status === 413)
      return finish(reply, receiver, 'too_large', 'request body too large');
    if (status !== undefined && status >= 400 && status < 500)
      return finish(reply, receiver, 'bad_request', 'malformed request');
    logger.error({ receiver: receiver?.name, err: error }, 'webhook handling failed');
    return finish(reply, receiver, 'error', 'internal error');
  });

  app.setNotFoundHandler((_request, reply) =>
    finish(reply, undefined, 'not_found', 'no webhook receiver here'),
  );

  app.route<{ Params: { id: string } }>({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/hook/:id',
    handler: async (request, reply) => {
      const receiver = await findReceiver(receivers, request.params.id);
      if (receiver === undefined)
        return finish(reply, undefined, 'not_found', 'no webhook receiver here');
      void reply.header('allow', 'POST');
      return finish(reply, receiver, 'method_not_allowed', 'webhooks are delivered with POST');
    },
  });

  app.route<{ Params: { id: string }; Body: Buffer | undefined }>({
    method: 'POST',
    url: '/hook/:id',
    onRequest: async (request, reply) => {
      const receiver = await findReceiver(receivers, request.params.id);
      if (receiver === undefined)
        return finish(reply, undefined, 'not_found', 'no webhook receiver here');
      const now = options.now();
      if (!receiver.bucket.take(now)) {
        void reply.header('retry-after', String(receiver.bucket.retryAfterSeconds()));
        return finish(reply, receiver, 'rate_limited', 'too many deliveries; retry later');
      }
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > receiver.maxBodyBytes)
        return finish(
          reply,
          receiver,
          'too_large',
          `body larger than ${receiver.maxBodyBytes} bytes`,
        );
      states.set(request, { receiver, receivedAt: now });
      return undefined;
    },
    handler: async (request, reply) => {
      const state = states.get(request);
      if (state === undefined) return finish(reply, undefined, 'error', 'internal error');
      const { receiver, receivedAt } = state;
      const delivery = {
        headers: lowerCaseHeaders(request),
        body: request.body ?? Buffer.alloc(0),
      };
      if (!(await receiver.receiver.verify(delivery)))
        return finish(reply, receiver, 'unauthorized', 'signature or token missing or wrong');
      const meaning = receiver.receiver.interpret(delivery);
      if (meaning.kind === 'invalid') return finish(reply, receiver, 'bad_request', meaning.reason);
      if (meaning.kind === 'ignored') return finish(reply, receiver, 'ignored', meaning.reason);
      const id = meaning.deliveryId;
      if (id !== undefined && receiver.memory.seen(id))
        return finish(reply, receiver, 'duplicate', 'delivery seen before; no new cycle');
      if (!options.accepting()) {
        if (id !== undefined) receiver.memory.forget(id);
        return finish(reply, receiver, 'unavailable', 'shutting down; deliver again later');
      }
      let outcomes: TriggerOutcome[];
      try {
        outcomes = [];
        for (const subject of meaning.subjects) {
          outcomes.push(
            await options.hooks.onTrigger({
              ...subject,
              receiver: receiver.name,
              type: receiver.config.type,
              deliveryId: id,
              receivedAt,
            }),
          );
        }
      } catch (error: unknown) {
        if (id !== undefined) receiver.memory.forget(id);
        throw error;
      }
      const queued = new Set(
        outcomes.flatMap((outcome) => (outcome.kind === 'queued' ? outcome.repositories : [])),
      );
      const names = meaning.subjects.map((subject) =>
        subject.kind === 'image' ? subject.name : (subject.urls[0] ?? ''),
      );
      if (queued.size > 0) {
        logger.info(
          { receiver: receiver.name, subjects: names, repositories: [...queued] },
          'webhook triggered cycles',
        );
        return finish(reply, receiver, 'triggered', 'cycles queued', { repositories: queued.size });
      }
      if (outcomes.some((outcome) => outcome.kind === 'shutting_down')) {
        if (id !== undefined) receiver.memory.forget(id);
        return finish(reply, receiver, 'unavailable', 'shutting down; deliver again later');
      }
      logger.info({ receiver: receiver.name, subjects: names }, 'webhook names nothing configured');
      return finish(reply, receiver, 'no_match', 'no configured repository uses it');
    },
  });
  return app;
}
