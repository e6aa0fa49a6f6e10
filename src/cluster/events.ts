/**
 * Writes `events.k8s.io/v1` Events (what `kubectl describe` shows under "Events"), as client-go's
 * events broadcaster does: a repeat of the same Event on the same object updates the existing
 * Event's `series` (count, lastObservedTime) instead of creating another; each object has its own
 * token bucket so a flapping problem cannot flood the API server; `note` is redacted and cut to
 * the API's 1 KiB limit; `regarding` names the live object by uid, apiVersion and Kind (what
 * `kubectl describe` matches). Recording never throws: a lost Event is reported, not fatal.
 */
import { randomBytes } from 'node:crypto';
import { PatchStrategy, setHeaderOptions, type EventsV1Event } from '@kubernetes/client-node';
import { systemClock, type Clock } from './clock.js';
import type { ClusterClient } from './connect.js';
import { hasStatus, toClusterError, type ClusterError } from './errors.js';
import { microTime } from './lease-access.js';

/** The API server refuses a longer note (events.k8s.io/v1 validation, NoteLengthLimit). */
export const NOTE_LIMIT_BYTES = 1024;
export const REPORTING_CONTROLLER = 'tagpilot.io/controller';

export interface EventRegarding {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface EventInput {
  readonly type: 'Normal' | 'Warning';
  /** UpperCamelCase: `ImageUpdateCommitted`, `PolicyDrift`, ... */
  readonly reason: string;
  /** What tagpilot did or failed to do: `Commit`, `Scan`, `Plan`, ... */
  readonly action: string;
  readonly note: string;
}

export type RecordOutcome = 'created' | 'aggregated' | 'rate-limited' | 'failed';

export interface EventRecorderOptions {
  /** This replica (its Pod name): `reportingInstance`. */
  readonly reportingInstance: string;
  readonly burst: number;
  readonly refillMs: number;
  readonly aggregateWindowMs: number;
  readonly redact: (text: string) => string;
  readonly clock?: Clock;
  readonly onError?: (error: ClusterError) => void;
}

interface Series {
  readonly name: string;
  readonly namespace: string;
  count: number;
  readonly firstSeenAt: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Cuts `text` to at most `limit` UTF-8 bytes without splitting a character, marking the cut. */
export function truncateUtf8(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const marker = '…';
  const room = Buffer.from(text).subarray(0, limit - Buffer.byteLength(marker));
  // A character cut in half decodes to U+FFFD at the end: drop it.
  return `${room.toString('utf8').replace(/\uFFFD$/, '')}${marker}`;
}

export class EventRecorder {
  readonly #client: ClusterClient;
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #series = new Map<string, Series>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(client: ClusterClient, options: EventRecorderOptions) {
    this.#client = client;
    this.#options = options;
    this.#clock = options.clock ?? systemClock();
  }

  async record(regarding: EventRegarding, input: EventInput): Promise<RecordOutcome> {
    const note = truncateUtf8(this.#options.redact(input.note), NOTE_LIMIT_BYTES);
    const key = JSON.stringify([
      regarding.uid,
      regarding.namespace,
      regarding.name,
      input.type,
      input.reason,
      input.action,
      note,
    ]);
    const now = this.#clock.monotonic();
    const series = this.#series.get(key);
    const repeat =
      series !== undefined && now - series.firstSeenAt < this.#options.aggregateWindowMs;
    if (repeat) series.count += 1;
    if (
      !this.#take(
        regarding.uid === '' ? `${regarding.namespace}/${regarding.name}` : regarding.uid,
        now,
      )
    )
      return 'rate-limited';
    try {
      if (repeat && (await this.#patchSeries(series))) return 'aggregated';
      await this.#create(key, regarding, input, note, now);
      return 'created';
    } catch (error: unknown) {
      this.#options.onError?.(
        toClusterError(
          error,
          `writing Event ${input.reason} on ${regarding.kind} ${regarding.namespace}/${regarding.name}`,
        ),
      );
      return 'failed';
    }
  }

  #take(objectKey: string, now: number): boolean {
    const { burst, refillMs } = this.#options;
    const bucket = this.#buckets.get(objectKey) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) / refillMs);
    bucket.updatedAt = now;
    this.#buckets.set(objectKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  async #create(
    key: string,
    regarding: EventRegarding,
    input: EventInput,
    note: string,
    now: number,
  ): Promise<void> {
    const name = `${regarding.name}.${this.#clock.wall().toString(16)}${randomBytes(3).toString('hex')}`;
    const body: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace: regarding.namespace },
      eventTime: microTime(this.#clock.wall()),
      type: input.type,
      reason: input.reason,
      action: input.action,
      note,
      regarding: { ...regarding },
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.#options.reportingInstance,
    };
    await this.#client.events.createNamespacedEvent({ namespace: regarding.namespace, body });
    this.#series.set(key, { name, namespace: regarding.namespace, count: 1, firstSeenAt: now });
  }

  /** False when the Event is gone (the API server expires Events after an hour): create anew. */
  async #patchSeries(series: Series): Promise<boolean> {
    const body = {
      series: { count: series.count, lastObservedTime: microTime(this.#clock.wall()) },
    };
    try {
      await this.#client.events.patchNamespacedEvent(
        { name: series.name, namespace: series.namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return true;
    } catch (error: unknown) {
      if (hasStatus(toClusterError(error, 'patching Event'), 404)) return false;
      throw error;
    }
  }
}
