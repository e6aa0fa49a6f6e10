/**
 * Builds the one `KubeConfig` tagpilot uses, from the connection resolved in config/: an explicit
 * kubeconfig file, or the in-cluster service account (through `loadFromOptions`, so nothing here
 * reads the environment; the token file is re-read by the client as Kubernetes rotates it).
 */
import { readFileSync } from 'node:fs';
import {
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  createConfiguration,
  EventsV1Api,
  KubeConfig,
  ServerConfiguration,
  Watch,
  type Configuration,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import type { ClusterConnection } from '../config/sections/cluster.js';
import { ClusterConfigError } from './errors.js';

/** The API clients of one cluster connection; every cluster/ function takes what it needs. */
export interface ClusterClient {
  readonly server: string;
  /** The release namespace: Leases, trigger ConfigMaps, the controller's own Pod. */
  readonly namespace: string;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly events: EventsV1Api;
  /**
   * The watch client. It abandons a stream that carried no byte for 30 s (its fixed inactivity
   * timeout), which is how a silently stalled connection is noticed.
   */
  readonly watch: Watch;
}

export interface ConnectOptions {
  /** `cluster.namespace`; default: the service account's, else the context's, else `default`. */
  readonly namespace?: string | undefined;
  readonly watchIdleTimeoutMs?: number | undefined;
  readonly readFile?: (file: string) => string;
}

const IN_CLUSTER = 'in-cluster';

/** Undefined when the connection says there is no cluster. */
export function connectCluster(
  connection: ClusterConnection,
  options: ConnectOptions = {},
): ClusterClient | undefined {
  const read = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const kubeConfig = new KubeConfig();
  let namespace = options.namespace;
  switch (connection.kind) {
    case 'none':
      return undefined;
    case 'kubeconfig': {
      try {
        kubeConfig.loadFromString(read(connection.file));
      } catch (error: unknown) {
        throw new ClusterConfigError(
          `cannot load the kubeconfig ${connection.file}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      if (connection.context !== undefined) {
        if (kubeConfig.getContextObject(connection.context) === null) {
          throw new ClusterConfigError(
            `the kubeconfig ${connection.file} has no context "${connection.context}" (cluster.context)`,
          );
        }
        kubeConfig.setCurrentContext(connection.context);
      }
      if (kubeConfig.getCurrentCluster() === null) {
        throw new ClusterConfigError(
          `the kubeconfig ${connection.file} names no current context; set cluster.context`,
        );
      }
      namespace ??= kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
      break;
    }
    case 'in-cluster': {
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name: IN_CLUSTER,
            server: connection.server,
            caFile: connection.caFile,
            skipTLSVerify: false,
          },
        ],
        users: [
          {
            name: IN_CLUSTER,
            authProvider: { name: 'tokenFile', config: { tokenFile: connection.tokenFile } },
          },
        ],
        contexts: [{ name: IN_CLUSTER, cluster: IN_CLUSTER, user: IN_CLUSTER }],
        currentContext: IN_CLUSTER,
      });
      if (namespace === undefined) {
        try {
          namespace = read(connection.namespaceFile).trim() || undefined;
        } catch {
          namespace = undefined;
        }
      }
      break;
    }
  }
  return clientFor(
    kubeConfig,
    namespace ?? 'default',
    options.watchIdleTimeoutMs === undefined
      ? {}
      : { watchIdleTimeoutMs: options.watchIdleTimeoutMs },
  );
}

/**
 * The API clients for a loaded KubeConfig (tests build one with `loadFromOptions`).
 * `watchIdleTimeoutMs` shortens the watch client's 30 s inactivity timeout (tests only: the
 * client keeps it in an instance field that its types mark private, watch.js).
 */
export function clientFor(
  kubeConfig: KubeConfig,
  namespace: string,
  options: { readonly watchIdleTimeoutMs?: number } = {},
): ClusterClient {
  const cluster = kubeConfig.getCurrentCluster();
  const configuration = sharedConnectionConfiguration(kubeConfig);
  const watch = new Watch(kubeConfig);
  if (options.watchIdleTimeoutMs !== undefined) {
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      options.watchIdleTimeoutMs;
  }
  return {
    server: cluster?.server ?? '',
    namespace,
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    core: new CoreV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    events: new EventsV1Api(configuration),
    watch,
  };
}

/** How long one connection pool is reused before the TLS settings are read again. */
const POOL_LIFETIME_MS = 5 * 60_000;

/**
 * The client builds a new connection pool (an undici Agent) for every request when TLS options
 * are set, so each Lease renew would pay a TLS handshake. This authentication wrapper applies the
 * KubeConfig's credentials as usual and then swaps in one pool, renewed every few minutes so
 * rotated client certificates are picked up (tokens are headers and are applied per request).
 */
function sharedConnectionConfiguration(kubeConfig: KubeConfig): Configuration {
  let pool: { readonly dispatcher: unknown; readonly createdAt: number } | undefined;
  const auth: SecurityAuthentication = {
    getName: () => 'tagpilot-shared-connections',
    applySecurityAuthentication: async (context: RequestContext) => {
      await kubeConfig.applySecurityAuthentication(context);
      const fresh: unknown = context.getDispatcher();
      if (fresh === undefined) return;
      const now = Date.now();
      if (pool === undefined || now - pool.createdAt > POOL_LIFETIME_MS)
        pool = { dispatcher: fresh, createdAt: now };
      else context.setDispatcher(pool.dispatcher as Parameters<RequestContext['setDispatcher']>[0]);
    },
  };
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  return createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: auth },
  });
}
