import { z } from 'zod';
import { duration } from './common.js';

/** The service account directory every Kubernetes Pod gets mounted (token, ca.crt, namespace). */
export const IN_CLUSTER_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const leaseSchema = z
  .object({
    /** Name of the leader-election Lease (`controller.coordination: leader`). */
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a Kubernetes object name')
      .default('tagpilot-leader'),
    /** How long a Lease stays valid after its holder was last seen to renew it (Flux: 35s). */
    duration: duration.default(35_000),
    /** A holder that could not renew for this long steps down (Flux: 30s); pushes stop at once. */
    renewDeadline: duration.default(30_000),
    /** Time between two acquire or renew attempts (Flux: 5s). */
    retryPeriod: duration.default(5_000),
  })
  .strict()
  .refine((lease) => lease.renewDeadline < lease.duration, {
    message: 'lease.renewDeadline must be shorter than lease.duration',
  })
  .refine((lease) => lease.retryPeriod < lease.renewDeadline, {
    message: 'lease.retryPeriod must be shorter than lease.renewDeadline',
  });

const watchSchema = z
  .object({
    /** A full relist at least this often, whatever the watch says. */
    relistInterval: duration.default(30 * 60_000),
    /** First and largest delay between restarts of a failing list or watch. */
    retryBaseDelay: duration.default(1_000),
    retryMaxDelay: duration.default(60_000),
  })
  .strict();

const eventsSchema = z
  .object({
    /** Write events.k8s.io/v1 Events on the live workloads (and on tagpilot's own Pod). */
    enabled: z.boolean().default(true),
    /** Per object: at most `burst` Events at once, refilled at one per `refill`. */
    burst: z.number().int().positive().default(10),
    refill: duration.default(5 * 60_000),
    /** A repeat of the same Event within this window updates its `series` instead of a new Event. */
    aggregateWindow: duration.default(30 * 60_000),
  })
  .strict();

/**
 * Kubernetes integration (docs/kubernetes.md). Optional at run time: tagpilot connects only with
 * an explicit kubeconfig or, when none is given, with the in-cluster service account.
 */
export const clusterSchema = z
  .object({
    /**
     * A kubeconfig file, used only when named here or with `--kubeconfig` (never `$KUBECONFIG`
     * or `~/.kube/config`: a laptop run must not act on whatever context is current).
     */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig context; default: its current context. */
    context: z.string().min(1).optional(),
    /** Where the in-cluster service account is mounted (token, ca.crt, namespace). */
    serviceAccountDir: z.string().min(1).default(IN_CLUSTER_SERVICE_ACCOUNT_DIR),
    /** The release namespace (Leases, trigger ConfigMaps); default: the service account's. */
    namespace: z.string().min(1).optional(),
    /** Namespaces whose workloads are watched (namespaced mode); empty: all (cluster mode). */
    namespaces: z.array(z.string().min(1)).default([]),
    /** This replica's name in Leases and Events; set it to the Pod name (downward API). */
    podName: z.string().min(1).optional(),
    lease: leaseSchema.default(leaseSchema.parse({})),
    watch: watchSchema.default(watchSchema.parse({})),
    events: eventsSchema.default(eventsSchema.parse({})),
    credentials: z
      .object({
        /**
         * Use the live workloads' (and their ServiceAccounts') imagePullSecrets for registry
         * credentials, for repositories whose `namespaces` allow-list names the namespace.
         */
        fromImagePullSecrets: z.boolean().default(false),
      })
      .strict()
      .default({ fromImagePullSecrets: false }),
    drift: z
      .object({
        /** Commit live `tagpilot.io/*` / `fluxcd.io/*` annotations that differ from Git. */
        writeBack: z.boolean().default(false),
      })
      .strict()
      .default({ writeBack: false }),
    /**
     * For tests: shifts this replica's wall clock by this many milliseconds (may be negative).
     * It moves the times written into Leases and Events; lease expiry never reads it.
     */
    wallClockOffset: z.number().int().default(0),
  })
  .strict();

export type ClusterSettings = z.output<typeof clusterSchema>;

/** How tagpilot reaches a cluster, resolved once at start-up from the settings and environment. */
export type ClusterConnection =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'kubeconfig'; readonly file: string; readonly context?: string | undefined }
  | {
      readonly kind: 'in-cluster';
      /** `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (IPv6 hosts bracketed). */
      readonly server: string;
      readonly tokenFile: string;
      readonly caFile: string;
      readonly namespaceFile: string;
    };

/**
 * The explicit kubeconfig when one is named; else the in-cluster service account when the Pod
 * has one (the `KUBERNETES_SERVICE_*` variables and a token file); else no cluster.
 */
export function resolveClusterConnection(
  settings: Pick<ClusterSettings, 'kubeconfig' | 'context' | 'serviceAccountDir'>,
  env: Readonly<Record<string, string | undefined>>,
  exists: (file: string) => boolean,
): ClusterConnection {
  if (settings.kubeconfig !== undefined) {
    return { kind: 'kubeconfig', file: settings.kubeconfig, context: settings.context };
  }
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = `${settings.serviceAccountDir}/token`;
  if (host === undefined || host === '' || port === undefined || port === '') {
    return { kind: 'none', reason: 'no kubeconfig given and KUBERNETES_SERVICE_HOST is not set' };
  }
  if (!exists(tokenFile)) {
    return {
      kind: 'none',
      reason: `no kubeconfig given and no service account token at ${tokenFile}`,
    };
  }
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    kind: 'in-cluster',
    server: `https://${bracketed}:${port}`,
    tokenFile,
    caFile: `${settings.serviceAccountDir}/ca.crt`,
    namespaceFile: `${settings.serviceAccountDir}/namespace`,
  };
}
