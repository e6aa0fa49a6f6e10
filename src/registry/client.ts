/**
 * `createRegistryClient`: the OCI distribution client behind `TagSource`, assembled from the
 * pipeline's parts (transport → limiter → auth → requester → tags/manifests/metadata → cache).
 * Everything with I/O or state is created here and passed down; nothing is a singleton.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageRef } from '../image/index.js';
import type { SecretRedactor } from '../telemetry/index.js';
import { Authenticator } from './auth/authenticator.js';
import { DiskCache } from './cache/disk-cache.js';
import { RegistryCache } from './cache/registry-cache.js';
import { endpointsFor, type Endpoint } from './endpoints.js';
import { RegistryConfigError, RegistryError, type RegistryErrorContext } from './errors.js';
import type { ProxySettings } from './http/no-proxy.js';
import { createTransport } from './http/transport.js';
import type { HttpSend } from './http/types.js';
import { HostLimiter, type HostRate } from './limiter.js';
import { manifestDigest } from './manifests.js';
import {
  knownFromCache,
  mergeTimes,
  tagMetadata,
  toCandidates,
  type TimesByTag,
} from './metadata.js';
import { DEFAULT_PLATFORMS } from './platform.js';
import { countingCaller, Requester } from './request.js';
import { fetchTagList } from './tags.js';
import type {
  BulkMetadataSource,
  CredentialProvider,
  MetadataResult,
  MetadataWanted,
  RequestStats,
  TagSource,
} from './types.js';

/** The registry settings the client reads (the `registries` config section fits). */
export interface RegistryCoreSettings {
  readonly hosts?: Readonly<
    Record<
      string,
      {
        readonly insecure?: boolean;
        readonly caFile?: string | undefined;
        readonly concurrency?: number | undefined;
        readonly perSecond?: number | undefined;
      }
    >
  >;
  readonly mirrors?: Readonly<Record<string, readonly string[]>>;
  readonly tokenRealms?: Readonly<Record<string, readonly string[]>>;
  readonly requestTimeout?: number;
  readonly maxResponseBytes?: number;
  readonly platforms?: readonly string[];
  readonly pullReserve?: number;
  readonly proxy?: ProxySettings;
  readonly cache?: {
    readonly enabled?: boolean;
    readonly maxBytes?: number;
    readonly tagRecheck?: number;
  };
}

export interface LoggerLike {
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

export interface RegistryClientOptions {
  readonly settings?: RegistryCoreSettings;
  /** tagpilot's cache directory; the registry cache lives in `<cacheDir>/registry`. */
  readonly cacheDir?: string | undefined;
  readonly credentials?: CredentialProvider | undefined;
  readonly bulkSources?: readonly BulkMetadataSource[];
  readonly redactor: SecretRedactor;
  readonly logger: LoggerLike;
  /** Overrides `settings.proxy` (e.g. values from HTTPS_PROXY / NO_PROXY, read by the caller). */
  readonly proxy?: ProxySettings;
  /** Test seams. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly send?: HttpSend;
  /** How long a 401/403/404 for a repository is remembered (one cycle). */
  readonly permanentFailureMs?: number;
}

export interface RegistryStats extends RequestStats {
  /** Tag lists confirmed unchanged by a 304. */
  readonly notModified: number;
}

export interface RegistryClient extends TagSource {
  stats(): RegistryStats;
  /** Starts a new cycle: forgets the permanent failures of the last one. */
  newCycle(): void;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
const DEFAULT_RECHECK_MS = 24 * 3_600_000;
const DEFAULT_PERMANENT_FAILURE_MS = 5 * 60_000;

export async function createRegistryClient(
  options: RegistryClientOptions,
): Promise<RegistryClient> {
  const settings = options.settings ?? {};
  const caByHost: Record<string, string> = {};
  for (const [host, hostSettings] of Object.entries(settings.hosts ?? {})) {
    if (hostSettings.caFile === undefined) continue;
    try {
      caByHost[host === 'docker.io' ? 'registry-1.docker.io' : host] = await readFile(
        hostSettings.caFile,
        'utf8',
      );
    } catch (error: unknown) {
      throw new RegistryConfigError(
        host,
        `cannot read the CA bundle ${hostSettings.caFile} (registries.hosts["${host}"].caFile): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      );
    }
  }
  const rates: Record<string, Partial<HostRate>> = {};
  for (const [host, hostSettings] of Object.entries(settings.hosts ?? {})) {
    const rate: { concurrency?: number; perSecond?: number } = {};
    if (hostSettings.concurrency !== undefined) rate.concurrency = hostSettings.concurrency;
    if (hostSettings.perSecond !== undefined) rate.perSecond = hostSettings.perSecond;
    rates[host === 'docker.io' ? 'registry-1.docker.io' : host] = rate;
  }
  const cacheSettings = settings.cache ?? {};
  const disk =
    options.cacheDir === undefined || cacheSettings.enabled === false
      ? undefined
      : new DiskCache({
          dir: join(options.cacheDir, 'registry'),
          maxBytes: cacheSettings.maxBytes ?? DEFAULT_CACHE_BYTES,
        });
  return new OciRegistryClient(options, settings, caByHost, rates, new RegistryCache(disk));
}

class OciRegistryClient implements RegistryClient {
  readonly #limiter: HostLimiter;
  readonly #requester: Requester;
  readonly #cache: RegistryCache;
  readonly #now: () => number;
  readonly #byHost: Record<string, number> = {};
  #requests = 0;
  #cacheHits = 0;
  #notModified = 0;
  readonly #failures = new Map<string, { error: RegistryError; until: number }>();
  /** The endpoint that last answered for a repository (a mirror or the registry). */
  readonly #servedBy = new Map<string, Endpoint>();
  /**
   * What the last `listTags` of a repository learnt: per-tag times from the list itself
   * (GCR-style `manifest{}`) and whether the list was the cached one.
   */
  readonly #lists = new Map<string, { listed: TimesByTag; unchanged: boolean }>();
  readonly #closeTransport: () => void;

  constructor(
    private readonly options: RegistryClientOptions,
    private readonly settings: RegistryCoreSettings,
    caByHost: Record<string, string>,
    rates: Record<string, Partial<HostRate>>,
    cache: RegistryCache,
  ) {
    this.#now = options.now ?? Date.now;
    this.#cache = cache;
    const counted = (url: URL): void => {
      this.#requests += 1;
      this.#byHost[url.host] = (this.#byHost[url.host] ?? 0) + 1;
    };
    const transport =
      options.send === undefined
        ? createTransport({
            timeoutMs: settings.requestTimeout ?? DEFAULT_TIMEOUT_MS,
            maxBytes: settings.maxResponseBytes ?? DEFAULT_MAX_BYTES,
            proxy: options.proxy ?? settings.proxy ?? {},
            caByHost,
            onRequest: counted,
          })
        : undefined;
    this.#closeTransport = () => transport?.close();
    const injected = options.send;
    const send: HttpSend =
      injected === undefined
        ? (transport?.send ?? (() => Promise.reject(new Error('no transport'))))
        : async (request) => {
            counted(request.url);
            return injected(request);
          };
    this.#limiter = new HostLimiter({
      rates,
      now: this.#now,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(settings.pullReserve === undefined ? {} : { pullReserve: settings.pullReserve }),
    });
    const auth = new Authenticator({
      credentials: options.credentials,
      redactor: options.redactor,
      logger: options.logger,
      realmPairs: settings.tokenRealms ?? {},
      now: this.#now,
      send: (request) => this.#limiter.schedule(request.url.host, () => send(request)),
    });
    this.#requester = new Requester({
      send,
      limiter: this.#limiter,
      auth,
      now: this.#now,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.random === undefined ? {} : { random: options.random }),
    });
  }

  async listTags(image: ImageRef): Promise<readonly string[]> {
    return this.#withEndpoints(
      image,
      async (endpoint, context) => {
        const key = `${endpoint.endpoint.origin} ${image.repository}`;
        const cached = await this.#cache.tagList(key);
        const result = await fetchTagList(
          this.#requester,
          endpoint,
          image.repository,
          context,
          cached,
          this.#now(),
        );
        if (result.notModified) {
          this.#notModified += 1;
          this.#cacheHits += 1;
        }
        await this.#cache.setTagList(key, result.entry);
        this.#lists.set(this.#repoKey(image), {
          listed: result.listed,
          unchanged: result.unchanged,
        });
        return result.tags;
      },
      true,
    );
  }

  async digest(image: ImageRef): Promise<string> {
    if (image.digest !== undefined) return image.digest;
    const tag = image.tag ?? 'latest';
    return this.#withEndpoints(image, (endpoint, context) =>
      manifestDigest(
        { requester: this.#requester, endpoint, repository: image.repository, context },
        tag,
      ),
    );
  }

  async metadata(
    image: ImageRef,
    tags: readonly string[],
    wanted: MetadataWanted,
  ): Promise<MetadataResult> {
    const accepted = tags.filter((tag) => wanted.accepts(tag));
    const platforms = wanted.platforms ?? this.settings.platforms ?? DEFAULT_PLATFORMS;
    const list = this.#lists.get(this.#repoKey(image));
    // The tag list's own times come first (no request); a bulk source only for what they lack.
    const listed = list?.listed ?? new Map<string, never>();
    const missing = accepted.filter((tag) => listed.get(tag)?.pushed === undefined);
    const bulk = mergeTimes(
      listed,
      missing.length === 0
        ? new Map()
        : await this.#bulk(image, missing, list?.unchanged === true, platforms),
    );
    const needed = accepted.filter((tag) => bulk.get(tag)?.pushed === undefined);
    const context: RegistryErrorContext = {
      registry: image.registry,
      repository: image.repository,
    };
    const endpoint =
      this.#servedBy.get(this.#repoKey(image)) ??
      endpointsFor(image.registry, this.settings).at(-1);
    if (endpoint === undefined) throw new RegistryConfigError(image.registry, 'no endpoint');
    const caller = countingCaller(this.#requester);
    const outcome = await tagMetadata(
      {
        target: { requester: caller, endpoint, repository: image.repository, context },
        cache: this.#cache,
        repoKey: this.#repoKey(image),
        platforms,
        budget: wanted.budget,
        now: this.#now(),
        recheckMs: this.settings.cache?.tagRecheck ?? DEFAULT_RECHECK_MS,
        onCacheHit: () => {
          this.#cacheHits += 1;
        },
        requestsMade: caller.count,
        onError: (tag, error) => {
          this.options.logger.warn(
            { registry: image.registry, repository: image.repository, tag, code: error.code },
            error.message,
          );
        },
      },
      needed,
    );
    return { candidates: toCandidates(tags, bulk, outcome.known), pending: outcome.pending };
  }

  stats(): RegistryStats {
    return {
      requests: this.#requests,
      byHost: { ...this.#byHost },
      cacheHits: this.#cacheHits,
      notModified: this.#notModified,
    };
  }

  newCycle(): void {
    this.#failures.clear();
  }

  async close(): Promise<void> {
    await this.#limiter.stop();
    this.#closeTransport();
  }

  #repoKey(image: ImageRef): string {
    return `${image.registry}/${image.repository}`;
  }

  /**
   * Times from the first bulk source that handles the registry. Its answer is cached per
   * repository; when the tag list is unchanged, the answer is younger than `cache.tagRecheck`
   * and every tag in `missing` is known from it or from the per-tag caches, the cached answer
   * is used and the source is not asked (a second scan of an unchanged repository costs its
   * tag list only). A tag moved to another image is then noticed after `tagRecheck`, as for
   * per-tag metadata.
   */
  async #bulk(
    image: ImageRef,
    missing: readonly string[],
    listUnchanged: boolean,
    platforms: readonly string[],
  ): Promise<TimesByTag> {
    const sources = (this.options.bulkSources ?? []).filter((source) =>
      source.handles(image.registry),
    );
    if (sources.length === 0) return new Map();
    const repoKey = this.#repoKey(image);
    const now = this.#now();
    const recheckMs = this.settings.cache?.tagRecheck ?? DEFAULT_RECHECK_MS;
    if (listUnchanged) {
      const cached = await this.#cache.bulkAnswer(repoKey);
      if (cached !== undefined && now - cached.fetchedAt < recheckMs) {
        const answer: TimesByTag = new Map(Object.entries(cached.tags));
        const unknown = missing.filter((tag) => answer.get(tag)?.pushed === undefined);
        const { rest } = await knownFromCache(
          { cache: this.#cache, platforms, now, recheckMs },
          await this.#cache.tagDigests(repoKey),
          unknown,
        );
        if (rest.length === 0) {
          this.#cacheHits += 1;
          return answer;
        }
      }
    }
    for (const source of sources) {
      let answer: TimesByTag;
      try {
        answer = await source.metadata(image);
      } catch (error: unknown) {
        // A bulk source is an optimisation: on failure fall back to per-tag requests.
        this.options.logger.warn(
          {
            registry: image.registry,
            repository: image.repository,
            code: error instanceof RegistryError ? error.code : undefined,
          },
          `bulk metadata source failed, falling back to per-tag requests: ${error instanceof Error ? error.message : 'unknown error'}`,
        );
        continue;
      }
      await this.#cache.setBulkAnswer(repoKey, {
        fetchedAt: now,
        // Object.fromEntries defines own properties, so a `__proto__` tag stays a plain key.
        tags: Object.fromEntries(answer),
      });
      return answer;
    }
    return new Map();
  }

  /** Runs `work` on the mirrors then the registry; permanent failures are remembered. */
  async #withEndpoints<T>(
    image: ImageRef,
    work: (endpoint: Endpoint, context: RegistryErrorContext) => Promise<T>,
    rememberFailure = false,
  ): Promise<T> {
    const key = this.#repoKey(image);
    const failure = this.#failures.get(key);
    if (failure !== undefined && failure.until > this.#now()) throw failure.error;
    const context: RegistryErrorContext = {
      registry: image.registry,
      repository: image.repository,
    };
    const endpoints = endpointsFor(image.registry, this.settings);
    for (const [index, endpoint] of endpoints.entries()) {
      try {
        const result = await work(endpoint, context);
        this.#servedBy.set(key, endpoint);
        return result;
      } catch (error: unknown) {
        if (!(error instanceof RegistryError)) throw error;
        if (endpoint.mirror && index < endpoints.length - 1) {
          this.options.logger.debug(
            {
              registry: image.registry,
              repository: image.repository,
              mirror: endpoint.endpoint.host,
              code: error.code,
            },
            'mirror failed, trying the next endpoint',
          );
          continue;
        }
        if (!error.transient && rememberFailure)
          this.#failures.set(key, {
            error,
            until: this.#now() + (this.options.permanentFailureMs ?? DEFAULT_PERMANENT_FAILURE_MS),
          });
        throw error;
      }
    }
    throw new RegistryConfigError(image.registry, 'no endpoint to ask');
  }
}
