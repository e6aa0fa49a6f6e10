import { z } from 'zod';
import { duration, secretFile } from './common.js';

/** One HTTP listener: where it binds. Port 0 lets the kernel choose (tests). */
const listenerSchema = (port: number) =>
  z
    .object({
      /** Address to bind; `0.0.0.0` for every IPv4 interface, `::` for every interface. */
      address: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65_535).default(port),
    })
    .strict();

const webhookListenerSchema = listenerSchema(9292);
const healthListenerSchema = listenerSchema(9440);

/**
 * The controller's two HTTP listeners (docs/webhooks.md, docs/metrics.md): webhook receivers on
 * one port, so an Ingress can expose them without exposing the rest; `/livez`, `/readyz`,
 * `/metrics` and the read-only status API on the other.
 */
export const serverSchema = z
  .object({
    webhooks: webhookListenerSchema.default(webhookListenerSchema.parse({})),
    health: healthListenerSchema.default(healthListenerSchema.parse({})),
    /** A client must send its complete request headers within this time (slow-loris guard). */
    headersTimeout: duration.default(10_000),
    /** A client must send its complete request, body included, within this time. */
    requestTimeout: duration.default(30_000),
    /** Idle keep-alive connections are closed after this time. */
    keepAliveTimeout: duration.default(5_000),
    /** `/livez` fails while the event loop's heartbeat is later than this (a starved loop). */
    eventLoopLagLimit: duration.default(10_000),
    /** Most open connections on the webhook port; more are refused at once. */
    maxConnections: z.number().int().min(1).max(65_535).default(512),
    /** Bearer token (a file) required by the status API; unset leaves it open on its port. */
    statusTokenFile: secretFile.optional(),
    /**
     * Bearer token (a file) required by the manual trigger (`tagpilot trigger`); unset disables
     * manual triggers over HTTP.
     */
    triggerTokenFile: secretFile.optional(),
    /** Per-workload labels on the opt-in metric `tagpilot_workload_info` (cardinality!). */
    workloadMetrics: z.boolean().default(false),
  })
  .strict();
