/**
 * List, then watch from the list's resourceVersion, for one resource collection — the reflector
 * of client-go, written here because the client's informer stops for good on any error but 410
 * (kubernetes-client/javascript #795, #958, #1933; docs/decisions/0141-list-watch.md):
 * - 410 Gone (an HTTP status or an ERROR event with code 410): relist at once;
 * - a clean close (the server's `timeoutSeconds`) or a stream silent for the client's 30 s
 *   inactivity timeout (a stalled connection): watch again from the last resourceVersion, at once;
 * - any other error: wait a capped, jittered back-off, then watch again (relist when listing is
 *   what failed);
 * - a full relist every `relistIntervalMs` whatever the stream says.
 * Listeners are synchronous and see every change in order; nothing here runs them concurrently.
 */
import type { KubernetesObject, Watch } from '@kubernetes/client-node';
import { backoffDelay, sleep, systemClock, type Clock } from './clock.js';
import { toClusterError, type ClusterError } from './errors.js';

export interface ListWatchSource<T extends KubernetesObject> {
  /** For messages: `deployments.apps in all namespaces`. */
  readonly description: string;
  list(): Promise<{ readonly items: readonly T[]; readonly resourceVersion: string }>;
  /** The collection's URL path, e.g. `/apis/apps/v1/namespaces/prod/deployments`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

export type RestartReason = 'gone' | 'error' | 'idle' | 'closed' | 'relist';

export type ListWatchEvent<T> =
  | { readonly type: 'synced'; readonly objects: readonly T[] }
  | { readonly type: 'upsert'; readonly object: T }
  | { readonly type: 'delete'; readonly object: T }
  | { readonly type: 'restart'; readonly reason: RestartReason; readonly error?: ClusterError };

export interface ListWatchOptions {
  readonly relistIntervalMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly clock?: Clock;
  readonly random?: () => number;
}

const WATCH_TIMEOUT_SECONDS = 300;

type WatchOutcome =
  | { readonly kind: 'gone' | 'closed' | 'idle' | 'stopped' }
  | { readonly kind: 'error'; readonly error: ClusterError };

/** `<namespace>/<name>` (cluster-scoped objects have an empty namespace). */
export function objectKey(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

export class ListWatcher<T extends KubernetesObject> {
  readonly #source: ListWatchSource<T>;
  readonly #watch: Watch;
  readonly #options: ListWatchOptions;
  readonly #clock: Clock;
  readonly #listeners = new Set<(event: ListWatchEvent<T>) => void>();
  readonly #objects = new Map<string, T>();
  readonly #stop = new AbortController();
  #resourceVersion = '';
  #running: Promise<void> | undefined;
  #synced = false;
  #resolveSynced: () => void = () => undefined;
  readonly #syncedPromise = new Promise<void>((resolve) => {
    this.#resolveSynced = resolve;
  });

  constructor(source: ListWatchSource<T>, watch: Watch, options: ListWatchOptions) {
    this.#source = source;
    this.#watch = watch;
    this.#options = options;
    this.#clock = options.clock ?? systemClock();
  }

  get description(): string {
    return this.#source.description;
  }

  /** True once the first list has been read. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves after the first successful list (never rejects; failures are retried). */
  synced(): Promise<void> {
    return this.#syncedPromise;
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  on(listener: (event: ListWatchEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  #emit(event: ListWatchEvent<T>): void {
    for (const listener of this.#listeners) listener(event);
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    let needList = true;
    let failures = 0;
    let listedAt = 0;
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.#relist();
          listedAt = this.#clock.monotonic();
          needList = false;
          failures = 0;
        } catch (error: unknown) {
          failures += 1;
          this.#emit({
            type: 'restart',
            reason: 'error',
            error: toClusterError(error, `listing ${this.#source.description}`),
          });
          await sleep(this.#delay(failures), signal);
          continue;
        }
      }
      const outcome = await this.#watchOnce(signal);
      if (outcome.kind === 'stopped') break;
      if (outcome.kind === 'gone') {
        needList = true;
        this.#emit({ type: 'restart', reason: 'gone' });
      } else if (outcome.kind === 'error') {
        failures += 1;
        this.#emit({ type: 'restart', reason: 'error', error: outcome.error });
        await sleep(this.#delay(failures), signal);
      } else {
        this.#emit({ type: 'restart', reason: outcome.kind });
      }
      if (!needList && this.#clock.monotonic() - listedAt >= this.#options.relistIntervalMs) {
        needList = true;
        this.#emit({ type: 'restart', reason: 'relist' });
      }
    }
  }

  #delay(failures: number): number {
    return backoffDelay(
      failures,
      this.#options.retryBaseMs,
      this.#options.retryMaxMs,
      this.#options.random,
    );
  }

  async #relist(): Promise<void> {
    const { items, resourceVersion } = await this.#source.list();
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      this.#apply(key, item);
    }
    for (const [key, object] of this.#objects) {
      if (seen.has(key)) continue;
      this.#objects.delete(key);
      this.#emit({ type: 'delete', object });
    }
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      this.#resolveSynced();
    }
    this.#emit({ type: 'synced', objects: this.list() });
  }

  #apply(key: string, object: T): void {
    const known = this.#objects.get(key);
    if (
      known?.metadata?.resourceVersion === object.metadata?.resourceVersion &&
      known !== undefined
    )
      return;
    this.#objects.set(key, object);
    this.#emit({ type: 'upsert', object });
  }

  /** One watch request; resolves with why it ended. */
  #watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve) => {
      let outcome: WatchOutcome | undefined;
      let request: AbortController | undefined;
      const finish = (result: WatchOutcome): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // Stopping does not wait for the stream: a request still waiting for response headers
      // cannot be aborted through the controller the client has not handed out yet.
      const onAbort = (): void => {
        outcome = { kind: 'stopped' };
        request?.abort();
        finish(outcome);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // The server ends the watch after timeoutSeconds, 5 to 10 minutes as client-go's
      // reflector asks, so many watchers do not reconnect together; bookmarks keep the
      // resourceVersion fresh on quiet collections.
      const random = this.#options.random ?? Math.random;
      const query: Record<string, string | number | boolean> = {
        ...this.#source.query,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.round(WATCH_TIMEOUT_SECONDS * (1 + random())),
        resourceVersion: this.#resourceVersion,
      };
      const onEvent = (type: string, object: unknown): void => {
        if (outcome !== undefined) return;
        if (type === 'ERROR') {
          const status = object as { code?: unknown; message?: unknown };
          outcome =
            status.code === 410
              ? { kind: 'gone' }
              : {
                  kind: 'error',
                  error: toClusterError(
                    Object.assign(
                      new Error(
                        typeof status.message === 'string' ? status.message : 'watch error',
                      ),
                      {
                        statusCode: status.code,
                      },
                    ),
                    `watching ${this.#source.description}`,
                  ),
                };
          request?.abort();
          return;
        }
        const item = object as T;
        const version = item.metadata?.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.#apply(objectKey(item), item);
        else if (type === 'DELETED') {
          const key = objectKey(item);
          if (this.#objects.delete(key)) this.#emit({ type: 'delete', object: item });
        }
        if (version !== undefined && version !== '') this.#resourceVersion = version;
      };
      const onDone = (error: unknown): void => {
        if (outcome === undefined) {
          if (error === null || error === undefined) outcome = { kind: 'closed' };
          else if ((error as { name?: unknown }).name === 'TimeoutError')
            outcome = { kind: 'idle' };
          else if ((error as { statusCode?: unknown }).statusCode === 410)
            outcome = { kind: 'gone' };
          else
            outcome = {
              kind: 'error',
              error: toClusterError(error, `watching ${this.#source.description}`),
            };
        }
        finish(outcome);
      };
      this.#watch.watch(this.#source.path, query, onEvent, onDone).then(
        (controller) => {
          request = controller;
          if (outcome?.kind === 'stopped' || signal.aborted) controller.abort();
        },
        (error: unknown) => {
          onDone(error);
        },
      );
    });
  }
}
