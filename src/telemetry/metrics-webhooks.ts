/** Webhook metrics: every delivery is counted by receiver, sender type and outcome. */
import { Counter, type Registry } from 'prom-client';
import type { WebhookOutcome } from './metrics-labels.js';

export interface WebhookDelivery {
  /** The configured receiver's name, or `unknown` when no receiver matched the path. */
  readonly receiver: string;
  /** The sender type (`github`, `dockerhub`, ...), or `unknown`. */
  readonly type: string;
  readonly outcome: WebhookOutcome;
}

export class WebhookMetrics {
  readonly #requests: Counter<'receiver' | 'type' | 'outcome'>;

  constructor(registry: Registry) {
    this.#requests = new Counter({
      name: 'tagpilot_webhook_requests_total',
      help: 'Webhook deliveries by receiver, sender type and outcome.',
      labelNames: ['receiver', 'type', 'outcome'],
      registers: [registry],
    });
  }

  /** Makes a receiver's `triggered` series exist at zero from start-up. */
  declareReceiver(receiver: string, type: string): void {
    this.#requests.inc({ receiver, type, outcome: 'triggered' }, 0);
  }

  delivery(delivery: WebhookDelivery): void {
    this.#requests.inc({
      receiver: delivery.receiver,
      type: delivery.type,
      outcome: delivery.outcome,
    });
  }
}
