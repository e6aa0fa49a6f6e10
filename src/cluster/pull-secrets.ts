/**
 * Reads the pull secrets a live workload names — its pod template's `imagePullSecrets` and those
 * of its ServiceAccount (`default` when none is named) — with `get` only (never list or watch
 * Secrets), and caches each by resourceVersion so an unchanged Secret is parsed once. The payload
 * is handed on as Docker config JSON; registry/ parses it and decides which host it is for.
 */
import type { V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import type { ClusterClient } from './connect.js';
import { hasStatus, toClusterError, type ClusterError } from './errors.js';
import type { LiveWorkload } from './workloads.js';

export const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG = 'kubernetes.io/dockercfg';

export interface PullSecret {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  /** `{"auths": {...}}`: the legacy `.dockercfg` map is wrapped into this shape. */
  readonly dockerConfigJson: string;
}

export type PullSecretProblem = {
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
  readonly error?: ClusterError;
};

/** Decodes a Secret of either pull-secret type; undefined with a reason for anything else. */
export function dockerConfigOf(secret: V1Secret): { json: string } | { problem: string } {
  const data = secret.data ?? {};
  const decode = (key: string): string | undefined => {
    const value = data[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  if (secret.type === DOCKER_CONFIG_JSON) {
    const json = decode('.dockerconfigjson');
    return json === undefined
      ? { problem: `type ${DOCKER_CONFIG_JSON} but no .dockerconfigjson key` }
      : { json };
  }
  if (secret.type === DOCKER_CFG) {
    const legacy = decode('.dockercfg');
    if (legacy === undefined) return { problem: `type ${DOCKER_CFG} but no .dockercfg key` };
    // The legacy format is the `auths` map itself (kubernetes corev1.DockerConfigKey).
    return { json: `{"auths":${legacy}}` };
  }
  return {
    problem: `type ${secret.type ?? '(none)'} is not ${DOCKER_CONFIG_JSON} or ${DOCKER_CFG}`,
  };
}

interface Cached<T> {
  readonly value: T;
  readonly resourceVersion: string;
  readonly fetchedAt: number;
}

export interface PullSecretReaderOptions {
  /** A cached Secret or ServiceAccount is fetched again (one `get`) after this long. */
  readonly refreshMs?: number;
  readonly now?: () => number;
}

export class PullSecretReader {
  readonly #client: ClusterClient;
  readonly #refreshMs: number;
  readonly #now: () => number;
  readonly #secrets = new Map<string, Cached<PullSecret | { problem: string }>>();
  readonly #accounts = new Map<string, Cached<readonly string[]>>();

  constructor(client: ClusterClient, options: PullSecretReaderOptions = {}) {
    this.#client = client;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The pull secrets of a live workload, its ServiceAccount's after its own; problems beside. */
  async forWorkload(
    workload: LiveWorkload,
  ): Promise<{ secrets: PullSecret[]; problems: PullSecretProblem[] }> {
    const problems: PullSecretProblem[] = [];
    const names = [...workload.imagePullSecrets];
    try {
      for (const name of await this.serviceAccountPullSecrets(
        workload.namespace,
        workload.serviceAccountName,
      )) {
        if (!names.includes(name)) names.push(name);
      }
    } catch (error: unknown) {
      const typed = toClusterError(
        error,
        `reading ServiceAccount ${workload.namespace}/${workload.serviceAccountName}`,
      );
      problems.push({
        namespace: workload.namespace,
        name: workload.serviceAccountName,
        message: typed.message,
        error: typed,
      });
    }
    const secrets: PullSecret[] = [];
    for (const name of names) {
      try {
        const secret = await this.secret(workload.namespace, name);
        if ('problem' in secret)
          problems.push({
            namespace: workload.namespace,
            name,
            message: `Secret ${workload.namespace}/${name}: ${secret.problem}`,
          });
        else secrets.push(secret);
      } catch (error: unknown) {
        const typed = toClusterError(error, `reading Secret ${workload.namespace}/${name}`);
        problems.push({
          namespace: workload.namespace,
          name,
          message: typed.message,
          error: typed,
        });
      }
    }
    return { secrets, problems };
  }

  /** The `imagePullSecrets` of a ServiceAccount; none when it does not exist. */
  async serviceAccountPullSecrets(namespace: string, name: string): Promise<readonly string[]> {
    return this.#cached(this.#accounts, `${namespace}/${name}`, async () => {
      let account: V1ServiceAccount;
      try {
        account = await this.#client.core.readNamespacedServiceAccount({ namespace, name });
      } catch (error: unknown) {
        const typed = toClusterError(error, `reading ServiceAccount ${namespace}/${name}`);
        if (hasStatus(typed, 404)) return { value: [], resourceVersion: '' };
        throw typed;
      }
      const value = (account.imagePullSecrets ?? []).flatMap((ref) =>
        ref.name === undefined ? [] : [ref.name],
      );
      return { value, resourceVersion: account.metadata?.resourceVersion ?? '' };
    });
  }

  async secret(namespace: string, name: string): Promise<PullSecret | { problem: string }> {
    return this.#cached(this.#secrets, `${namespace}/${name}`, async (previous) => {
      let secret: V1Secret;
      try {
        secret = await this.#client.core.readNamespacedSecret({ namespace, name });
      } catch (error: unknown) {
        const typed = toClusterError(error, `reading Secret ${namespace}/${name}`);
        if (hasStatus(typed, 404)) return { value: { problem: 'not found' }, resourceVersion: '' };
        throw typed;
      }
      const resourceVersion = secret.metadata?.resourceVersion ?? '';
      // Unchanged since last time: keep what was decoded then.
      if (previous !== undefined && previous.resourceVersion === resourceVersion) return previous;
      const decoded = dockerConfigOf(secret);
      const value =
        'problem' in decoded
          ? decoded
          : { namespace, name, resourceVersion, dockerConfigJson: decoded.json };
      return { value, resourceVersion };
    });
  }

  async #cached<T>(
    cache: Map<string, Cached<T>>,
    key: string,
    fetch: (previous: Cached<T> | undefined) => Promise<{ value: T; resourceVersion: string }>,
  ): Promise<T> {
    const previous = cache.get(key);
    if (previous !== undefined && this.#now() - previous.fetchedAt < this.#refreshMs)
      return previous.value;
    const fetched = await fetch(previous);
    cache.set(key, { ...fetched, fetchedAt: this.#now() });
    return fetched.value;
  }
}
