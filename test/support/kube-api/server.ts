/**
 * A double of the Kubernetes API server's REST protocol, for exactly the resources and verbs in
 * resources.ts, driven by tests through `@kubernetes/client-node` (the production client) over
 * loopback HTTPS with a CA made by openssl. It follows the Kubernetes API conventions
 * (community/contributors/devel/sig-architecture/api-conventions.md) and the API reference
 * ("API Concepts", kubernetes.io/docs/reference/using-api/api-concepts/):
 * - paths `/api/v1/...` (core) and `/apis/<group>/<version>/...`, namespaced and all-namespace
 *   collections; objects carry `metadata.{uid,resourceVersion,creationTimestamp,generation}`;
 *   lists carry `metadata.resourceVersion` and items without `kind`/`apiVersion`;
 * - optimistic concurrency: an update whose `metadata.resourceVersion` differs from the stored
 *   one is refused with 409 Conflict ("the object has been modified"); a create of an existing
 *   name is 409 AlreadyExists; errors are `Status` objects with `reason` and `code`;
 * - watch (`?watch=1&resourceVersion=`): a chunked stream of JSON lines `{type, object}` with
 *   ADDED/MODIFIED/DELETED, BOOKMARK when `allowWatchBookmarks=true`, the synthetic ADDED of
 *   current state when no resourceVersion is given, `timeoutSeconds` honoured by a clean close,
 *   and a too-old resourceVersion answered with an ERROR event carrying a 410 `Expired` Status
 *   ("Efficient detection of changes", "410 Gone responses");
 * - `labelSelector` (equality) and `fieldSelector=metadata.name=`;
 * - PATCH with `application/merge-patch+json` (RFC 7386) or `application/json-patch+json`
 *   (RFC 6902); `application/strategic-merge-patch+json` is applied as a merge patch (the same
 *   for the scalar and map fields used here);
 * - events.k8s.io/v1 validation as the API server's (`ValidateEventCreate`/`Update`): eventTime,
 *   reportingController, reportingInstance, action and reason required, note at most 1 KiB,
 *   type Normal or Warning; MicroTime fields must have six fractional digits (RFC3339Micro);
 * - authentication by bearer token (401 otherwise) and RBAC-style authorization per verb,
 *   resource and namespace: 403 Forbidden with the API server's message for anything not granted.
 * Fault injection: `compact()` (every older resourceVersion becomes 410), `dropWatches()`
 * (connections reset mid-stream), `stallWatches()` (streams go silent but stay open),
 * `failNext()` (any status for matching requests). Every request is recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import {
  apiVersionOf,
  qualifiedName,
  RESOURCES,
  type Grant,
  type ResourceInfo,
  type Verb,
} from './resources.js';
import type { TestCertificates } from './tls.js';
import { ApiFailure } from './failure.js';
import { applyPatch } from './patch.js';
import { validate } from './validate.js';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export interface RecordedApiRequest {
  readonly method: string;
  readonly verb: Verb | 'unknown';
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly user: string;
  readonly status: number;
  readonly path: string;
}

export interface FaultRule {
  readonly verb?: Verb;
  readonly resource?: string;
  readonly name?: string;
  readonly user?: string;
  readonly status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface Identity {
  readonly user: string;
  /** `all` for an administrator (the test's own seeding client). */
  readonly grants: readonly Grant[] | 'all';
}

export interface KubeApiDoubleOptions {
  readonly certificates?: TestCertificates;
  /** BOOKMARK events on watches that asked for them, this often; default 250 ms. */
  readonly bookmarkIntervalMs?: number;
}

interface HistoryEntry {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: ResourceInfo;
  readonly object: KubeObject;
}

interface Watcher {
  readonly resource: ResourceInfo;
  readonly namespace: string | undefined;
  readonly matches: (object: KubeObject) => boolean;
  readonly response: ServerResponse;
  readonly socket: Socket;
  readonly bookmarks: boolean;
  readonly timers: NodeJS.Timeout[];
}

interface Route {
  readonly resource: ResourceInfo;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** Test-control endpoints live under this prefix (never a Kubernetes path). */
export const CONTROL_PREFIX = '/_double/';

export class KubeApiDouble {
  readonly requests: RecordedApiRequest[] = [];
  readonly #objects = new Map<string, KubeObject>();
  readonly #history: HistoryEntry[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #tokens = new Map<string, Identity>();
  readonly #faults: FaultRule[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #bookmarkIntervalMs: number;
  #rv = 100;
  #compactedBelow = 0;
  #stalled = false;
  #server: Server | ReturnType<typeof createServer> | undefined;
  #url = '';

  constructor(private readonly options: KubeApiDoubleOptions = {}) {
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 250;
  }

  get url(): string {
    return this.#url;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  async start(port = 0): Promise<string> {
    const handler = (request: IncomingMessage, response: ServerResponse): void => {
      void this.#handle(request, response);
    };
    const certificates = this.options.certificates;
    const server =
      certificates === undefined
        ? createServer(handler)
        : createTlsServer({ cert: certificates.cert, key: certificates.key }, handler);
    server.on(certificates === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const { port: bound } = server.address() as AddressInfo;
    this.#url = `${certificates === undefined ? 'http' : 'https'}://127.0.0.1:${bound}`;
    return this.#url;
  }

  async stop(): Promise<void> {
    for (const watcher of this.#watchers) this.#endWatch(watcher);
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    if (server !== undefined)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  /** A bearer token for `user` with exactly these grants (or `all`). */
  addToken(token: string, identity: Identity): void {
    this.#tokens.set(token, identity);
  }

  // ---- fault injection ------------------------------------------------------------------

  /** Every resourceVersion before now becomes too old: watches from it get 410 Expired. */
  compact(): void {
    this.#compactedBelow = this.#rv;
    this.#history.length = 0;
  }

  /** Resets every open watch connection without a clean end (a dropped TCP connection). */
  dropWatches(): number {
    const count = this.#watchers.size;
    for (const watcher of [...this.#watchers]) {
      this.#clear(watcher);
      watcher.socket.destroy();
    }
    return count;
  }

  /** While stalled, watch streams stay open and send nothing (no events, no bookmarks). */
  stallWatches(stalled = true): void {
    this.#stalled = stalled;
  }

  failNext(rule: FaultRule): void {
    this.#faults.push({ ...rule, times: rule.times ?? 1 });
  }

  openWatches(resource?: string): number {
    return [...this.#watchers].filter(
      (watcher) => resource === undefined || watcher.resource.plural === resource,
    ).length;
  }

  // ---- direct store access for assertions ---------------------------------------------

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const info = resourceNamed(resource);
    const stored = this.#objects.get(storeKey(info, namespace, name));
    return stored === undefined ? undefined : withType(info, clone(stored));
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const info = resourceNamed(resource);
    return [...this.#objects.entries()]
      .filter(([key]) =>
        key.startsWith(
          `${info.plural}.${info.group}/${namespace === undefined ? '' : `${namespace}/`}`,
        ),
      )
      .map(([, object]) => withType(info, clone(object)));
  }

  /** Writes as an administrator would (with the same validation and watch events). */
  put(resource: string, object: KubeObject): KubeObject {
    const info = resourceNamed(resource);
    const key = storeKey(info, object.metadata.namespace, object.metadata.name);
    const existing = this.#objects.get(key);
    return existing === undefined
      ? this.#create(info, object.metadata.namespace, object)
      : this.#update(info, existing, {
          ...object,
          metadata: { ...object.metadata, resourceVersion: existing.metadata.resourceVersion },
        });
  }

  remove(resource: string, namespace: string | undefined, name: string): void {
    const info = resourceNamed(resource);
    const key = storeKey(info, namespace, name);
    const existing = this.#objects.get(key);
    if (existing === undefined) return;
    this.#objects.delete(key);
    const deleted = {
      ...clone(existing),
      metadata: { ...existing.metadata, resourceVersion: String(++this.#rv) },
    };
    this.#publish({ rv: this.#rv, type: 'DELETED', resource: info, object: deleted });
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const record = (
      verb: Verb | 'unknown',
      route: Route | undefined,
      user: string,
      status: number,
    ): void => {
      this.requests.push({
        method: request.method ?? '',
        verb,
        resource: route?.resource.plural ?? '',
        namespace: route?.namespace,
        name: route?.name,
        user,
        status,
        path: url.pathname,
      });
    };
    let user = '';
    let verb: Verb | 'unknown' = 'unknown';
    let route: Route | undefined;
    try {
      const body = await readBody(request);
      const identity = this.#authenticate(request);
      user = identity.user;
      if (url.pathname.startsWith(CONTROL_PREFIX)) {
        if (identity.grants !== 'all')
          throw new ApiFailure(403, 'Forbidden', 'the control API is for administrators');
        send(response, 200, this.#control(request.method ?? 'GET', url, body));
        return;
      }
      route = parsePath(url.pathname);
      verb = verbOf(request.method ?? 'GET', route, url.searchParams);
      this.#authorize(identity, verb, route);
      this.#injectFault(verb, route, user);
      if (!route.resource.verbs.includes(verb)) {
        throw new ApiFailure(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
      }
      if (verb === 'watch') {
        record(verb, route, user, 200);
        this.#watch(route, url.searchParams, request, response);
        return;
      }
      const { status, payload } = this.#serve(
        verb,
        route,
        url.searchParams,
        body,
        request.headers['content-type'],
      );
      record(verb, route, user, status);
      send(response, status, payload);
    } catch (error: unknown) {
      const failure =
        error instanceof ApiFailure
          ? error
          : new ApiFailure(
              500,
              'InternalError',
              error instanceof Error ? error.message : String(error),
            );
      record(verb, route, user, failure.status);
      send(response, failure.status, statusObject(failure));
    }
  }

  /**
   * The test-control API (not Kubernetes): lets a test in another process seed objects and
   * inject faults when the double runs as its own process (main.ts).
   */
  #control(method: string, url: URL, body: string): unknown {
    const action = url.pathname.slice(CONTROL_PREFIX.length);
    const namespace = url.searchParams.get('namespace') ?? undefined;
    switch (`${method} ${action}`) {
      case 'POST seed': {
        const { resource, object } = JSON.parse(body) as { resource: string; object: KubeObject };
        return this.put(resource, object);
      }
      case 'POST remove':
        this.remove(
          url.searchParams.get('resource') ?? '',
          namespace,
          url.searchParams.get('name') ?? '',
        );
        return {};
      case 'POST compact':
        this.compact();
        return {};
      case 'POST drop-watches':
        return { dropped: this.dropWatches() };
      case 'POST stall-watches':
        this.stallWatches(url.searchParams.get('on') !== 'false');
        return {};
      case 'POST fail-next':
        this.failNext(JSON.parse(body) as FaultRule);
        return {};
      case 'GET objects':
        return this.list(url.searchParams.get('resource') ?? '', namespace);
      case 'GET requests':
        return this.requests;
      default:
        throw new ApiFailure(404, 'NotFound', `unknown control action ${method} ${action}`);
    }
  }

  #authenticate(request: IncomingMessage): Identity {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const identity = match === null ? undefined : this.#tokens.get(match[1]?.trim() ?? '');
    if (identity === undefined) throw new ApiFailure(401, 'Unauthorized', 'Unauthorized');
    return identity;
  }

  #authorize(identity: Identity, verb: Verb | 'unknown', route: Route): void {
    if (identity.grants === 'all') return;
    const allowed = identity.grants.some(
      (grant) =>
        grant.group === route.resource.group &&
        grant.resource === route.resource.plural &&
        verb !== 'unknown' &&
        grant.verbs.includes(verb) &&
        (grant.namespaces === undefined ||
          (route.namespace !== undefined && grant.namespaces.includes(route.namespace))),
    );
    if (allowed) return;
    const target = `${qualifiedName(route.resource)}${route.name === undefined ? '' : ` "${route.name}"`}`;
    const scope =
      route.namespace === undefined
        ? 'at the cluster scope'
        : `in the namespace "${route.namespace}"`;
    throw new ApiFailure(
      403,
      'Forbidden',
      `${target} is forbidden: User "${identity.user}" cannot ${verb} resource "${route.resource.plural}" in API group "${route.resource.group}" ${scope}`,
    );
  }

  #injectFault(verb: Verb | 'unknown', route: Route, user: string): void {
    const index = this.#faults.findIndex(
      (rule) =>
        (rule.verb === undefined || rule.verb === verb) &&
        (rule.resource === undefined || rule.resource === route.resource.plural) &&
        (rule.name === undefined || rule.name === route.name) &&
        (rule.user === undefined || rule.user === user),
    );
    if (index < 0) return;
    const rule = this.#faults[index] as FaultRule;
    rule.times = (rule.times ?? 1) - 1;
    if (rule.times <= 0) this.#faults.splice(index, 1);
    throw new ApiFailure(
      rule.status,
      rule.status === 409 ? 'Conflict' : rule.status >= 500 ? 'InternalError' : 'BadRequest',
      `injected failure ${rule.status}`,
    );
  }

  #serve(
    verb: Verb,
    route: Route,
    query: URLSearchParams,
    body: string,
    contentType: string | undefined,
  ): { status: number; payload: unknown } {
    const { resource, namespace, name } = route;
    switch (verb) {
      case 'get':
        return {
          status: 200,
          payload: withType(resource, clone(this.#require(resource, namespace, name ?? ''))),
        };
      case 'list': {
        const matches = selectorFor(query);
        const items = this.#collection(resource, namespace).filter(matches).map(clone);
        return {
          status: 200,
          payload: {
            kind: `${resource.kind}List`,
            apiVersion: apiVersionOf(resource),
            metadata: { resourceVersion: String(this.#rv) },
            items,
          },
        };
      }
      case 'create': {
        const object = parseObject(body);
        if (
          namespace !== undefined &&
          object.metadata.namespace !== undefined &&
          object.metadata.namespace !== namespace
        ) {
          throw new ApiFailure(
            400,
            'BadRequest',
            'the namespace of the provided object does not match the namespace sent on the request',
          );
        }
        return {
          status: 201,
          payload: withType(resource, this.#create(resource, namespace, object)),
        };
      }
      case 'update': {
        const object = parseObject(body);
        if (object.metadata.name !== name)
          throw new ApiFailure(
            400,
            'BadRequest',
            'the name of the object does not match the name on the URL',
          );
        const existing = this.#require(resource, namespace, name);
        return {
          status: 200,
          payload: withType(resource, this.#update(resource, existing, object)),
        };
      }
      case 'patch': {
        const existing = this.#require(resource, namespace, name ?? '');
        const patched = applyPatch(clone(existing), body, contentType ?? '');
        patched.metadata = {
          ...patched.metadata,
          resourceVersion: existing.metadata.resourceVersion,
        };
        return {
          status: 200,
          payload: withType(resource, this.#update(resource, existing, patched)),
        };
      }
      case 'delete': {
        const existing = this.#require(resource, namespace, name ?? '');
        this.remove(resource.plural, namespace, existing.metadata.name);
        return {
          status: 200,
          payload: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' },
        };
      }
      case 'watch':
        throw new ApiFailure(500, 'InternalError', 'watch is not served here');
    }
  }

  #require(resource: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const stored = this.#objects.get(storeKey(resource, namespace, name));
    if (stored === undefined)
      throw new ApiFailure(404, 'NotFound', `${qualifiedName(resource)} "${name}" not found`, {
        name,
        kind: resource.plural,
      });
    return stored;
  }

  #collection(resource: ResourceInfo, namespace: string | undefined): KubeObject[] {
    const prefix = `${resource.plural}.${resource.group}/${namespace === undefined ? '' : `${namespace}/`}`;
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, object]) => object);
  }

  #create(resource: ResourceInfo, namespace: string | undefined, object: KubeObject): KubeObject {
    const name = object.metadata.name;
    if (typeof name !== 'string' || name === '')
      throw new ApiFailure(
        422,
        'Invalid',
        `${resource.kind} "" is invalid: metadata.name: Required value: name is required`,
      );
    const ns = namespace ?? object.metadata.namespace;
    const key = storeKey(resource, ns, name);
    if (this.#objects.has(key))
      throw new ApiFailure(
        409,
        'AlreadyExists',
        `${qualifiedName(resource)} "${name}" already exists`,
        { name, kind: resource.plural },
      );
    validate(resource, object, undefined);
    const stored: KubeObject = {
      ...stripType(object),
      metadata: {
        ...object.metadata,
        ...(ns === undefined ? {} : { namespace: ns }),
        uid: randomUUID(),
        resourceVersion: String(++this.#rv),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        generation: 1,
      },
    };
    this.#objects.set(key, stored);
    this.#publish({ rv: this.#rv, type: 'ADDED', resource, object: clone(stored) });
    return clone(stored);
  }

  #update(resource: ResourceInfo, existing: KubeObject, object: KubeObject): KubeObject {
    const sent = object.metadata.resourceVersion;
    if (sent !== undefined && sent !== '' && sent !== existing.metadata.resourceVersion) {
      throw new ApiFailure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedName(resource)} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: existing.metadata.name, kind: resource.plural },
      );
    }
    validate(resource, object, existing);
    const stored: KubeObject = {
      ...stripType(object),
      metadata: {
        ...object.metadata,
        name: existing.metadata.name,
        ...(existing.metadata.namespace === undefined
          ? {}
          : { namespace: existing.metadata.namespace }),
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        resourceVersion: String(++this.#rv),
        generation: (existing.metadata.generation ?? 1) + 1,
      },
    };
    this.#objects.set(
      storeKey(resource, existing.metadata.namespace, existing.metadata.name),
      stored,
    );
    this.#publish({ rv: this.#rv, type: 'MODIFIED', resource, object: clone(stored) });
    return clone(stored);
  }

  // ---- watch --------------------------------------------------------------------------------

  #publish(entry: HistoryEntry): void {
    this.#history.push(entry);
    if (this.#stalled) return;
    for (const watcher of this.#watchers) {
      if (watcher.resource !== entry.resource) continue;
      if (watcher.namespace !== undefined && watcher.namespace !== entry.object.metadata.namespace)
        continue;
      if (!watcher.matches(entry.object)) continue;
      writeEvent(watcher.response, entry.type, withType(entry.resource, clone(entry.object)));
    }
  }

  #watch(
    route: Route,
    query: URLSearchParams,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const matches = selectorFor(query);
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    const rvText = query.get('resourceVersion') ?? '';
    if (rvText !== '' && rvText !== '0') {
      const since = Number(rvText);
      if (!Number.isInteger(since) || since < this.#compactedBelow) {
        writeEvent(
          response,
          'ERROR',
          statusObject(
            new ApiFailure(
              410,
              'Expired',
              `too old resource version: ${rvText} (${this.#compactedBelow})`,
            ),
          ),
        );
        response.end();
        return;
      }
      for (const entry of this.#history) {
        if (entry.rv <= since || entry.resource !== route.resource) continue;
        if (route.namespace !== undefined && entry.object.metadata.namespace !== route.namespace)
          continue;
        if (matches(entry.object))
          writeEvent(response, entry.type, withType(entry.resource, clone(entry.object)));
      }
    } else {
      // No resourceVersion: "Get State and Start at Most Recent" — synthetic ADDED events first.
      for (const object of this.#collection(route.resource, route.namespace).filter(matches)) {
        writeEvent(response, 'ADDED', withType(route.resource, clone(object)));
      }
    }
    const watcher: Watcher = {
      resource: route.resource,
      namespace: route.namespace,
      matches,
      response,
      socket: request.socket,
      bookmarks:
        query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1',
      timers: [],
    };
    this.#watchers.add(watcher);
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '');
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      watcher.timers.push(
        setTimeout(() => {
          this.#endWatch(watcher);
        }, timeoutSeconds * 1000),
      );
    }
    if (watcher.bookmarks) {
      watcher.timers.push(
        setInterval(() => {
          if (this.#stalled) return;
          writeEvent(response, 'BOOKMARK', {
            kind: route.resource.kind,
            apiVersion: apiVersionOf(route.resource),
            metadata: { resourceVersion: String(this.#rv) },
          });
        }, this.#bookmarkIntervalMs),
      );
    }
    const forget = (): void => {
      this.#clear(watcher);
    };
    request.on('close', forget);
    response.on('close', forget);
  }

  #clear(watcher: Watcher): void {
    for (const timer of watcher.timers) clearTimeout(timer);
    this.#watchers.delete(watcher);
  }

  #endWatch(watcher: Watcher): void {
    this.#clear(watcher);
    watcher.response.end();
  }
}

// ---- helpers ----------------------------------------------------------------------------------

function resourceNamed(plural: string): ResourceInfo {
  const info = RESOURCES.find((resource) => resource.plural === plural);
  if (info === undefined) throw new Error(`the double does not serve ${plural}`);
  return info;
}

function storeKey(resource: ResourceInfo, namespace: string | undefined, name: string): string {
  return `${resource.plural}.${resource.group}/${namespace === undefined ? '' : `${namespace}/`}${name}`;
}

function parsePath(path: string): Route {
  const parts = path.split('/').filter((part) => part !== '');
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else {
    throw new ApiFailure(404, 'NotFound', 'the server could not find the requested resource');
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = RESOURCES.find((info) => info.group === group && info.plural === rest[0]);
  if (resource === undefined || rest.length > 2)
    throw new ApiFailure(404, 'NotFound', 'the server could not find the requested resource');
  return { resource, namespace, name: rest[1] };
}

function verbOf(method: string, route: Route, query: URLSearchParams): Verb {
  const watch = query.get('watch');
  switch (method) {
    case 'GET':
      if (watch === 'true' || watch === '1') return 'watch';
      return route.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      throw new ApiFailure(405, 'MethodNotAllowed', `method ${method} is not allowed`);
  }
}

function selectorFor(query: URLSearchParams): (object: KubeObject) => boolean {
  const labels = (query.get('labelSelector') ?? '')
    .split(',')
    .filter((term) => term !== '')
    .map((term) => term.split('=') as [string, string]);
  const fields = (query.get('fieldSelector') ?? '')
    .split(',')
    .filter((term) => term !== '')
    .map((term) => term.split('=') as [string, string]);
  for (const [field] of fields) {
    if (field !== 'metadata.name' && field !== 'metadata.namespace')
      throw new ApiFailure(400, 'BadRequest', `field label not supported: ${field}`);
  }
  return (object) =>
    labels.every(([key, value]) => object.metadata.labels?.[key] === value) &&
    fields.every(
      ([field, value]) =>
        (field === 'metadata.name' ? object.metadata.name : object.metadata.namespace) === value,
    );
}

function parseObject(body: string): KubeObject {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ApiFailure(400, 'BadRequest', 'the request body is not JSON');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { metadata?: unknown }).metadata !== 'object'
  ) {
    throw new ApiFailure(400, 'BadRequest', 'the request body is not an object with metadata');
  }
  return value as KubeObject;
}

function withType(resource: ResourceInfo, object: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(resource), kind: resource.kind, ...object };
}

function stripType(object: KubeObject): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function statusObject(failure: ApiFailure): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: failure.message,
    reason: failure.reason,
    ...(failure.details === undefined ? {} : { details: failure.details }),
    code: failure.status,
  };
}

function writeEvent(response: ServerResponse, type: string, object: unknown): void {
  if (!response.writableEnded) response.write(`${JSON.stringify({ type, object })}\n`);
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}
