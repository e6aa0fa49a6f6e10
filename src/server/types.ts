/**
 * The contract between the HTTP server and whoever runs it (the controller): the server verifies
 * and counts, then hands each trigger to a hook and serves the facts the hooks supply. It never
 * imports the controller (docs/architecture.md).
 */
import type { Logger, SecretRedactor } from '../telemetry/index.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { WebhookType } from '../config/index.js';
import type { StatusReport } from './status-schema.js';

/**
 * An image repository named by a registry webhook. Only the name travels: the tag and digest in
 * the payload are never data (a webhook says "look now"; the registry says what is there).
 */
export interface ImageRepositoryTrigger {
  readonly kind: 'image';
  /** Canonical registry host (`docker.io`, `ghcr.io`, `registry.example:5000`). */
  readonly registry: string;
  /** Canonical repository path (`library/nginx`, `acme/api`). */
  readonly repository: string;
  /** `registry/repository`, the same key as `canonicalName()` in image/. */
  readonly name: string;
}

/**
 * A Git repository named by a push webhook: the URLs the payload gives for it, nothing else read.
 * The controller matches them with `gitRepositoryKey()` and only advertises refs: the cycle runs
 * when the head differs from what tagpilot last synced or pushed.
 */
export interface GitRepositoryTrigger {
  readonly kind: 'git';
  /** Clone, SSH and web URLs of the repository as the payload spells them. */
  readonly urls: readonly string[];
}

export type TriggerSubject = ImageRepositoryTrigger | GitRepositoryTrigger;

/** A verified webhook delivery, reduced to what it names. */
export type WebhookTrigger = TriggerSubject & {
  /** The configured receiver's name. */
  readonly receiver: string;
  readonly type: WebhookType;
  /** The sender's delivery id, when it sends one. */
  readonly deliveryId: string | undefined;
  /** When the request arrived (ms since the epoch): the start of trigger-to-commit. */
  readonly receivedAt: number;
};

/** What the controller did with a trigger. */
export type TriggerOutcome =
  /** One or more Git repositories were queued (or merged into a pending cycle). */
  | { readonly kind: 'queued'; readonly repositories: readonly string[] }
  /** No configured Git repository uses what the webhook names. */
  | { readonly kind: 'no_match' }
  /** The controller is stopping and takes no more triggers. */
  | { readonly kind: 'shutting_down' };

/** What the controller did with `tagpilot trigger <repository>`. */
export type ManualTriggerOutcome =
  | { readonly kind: 'queued'; readonly repository: string }
  | { readonly kind: 'unknown_repository' }
  /** Another replica owns it (coordination: leader or sharded). */
  | { readonly kind: 'not_owned'; readonly owner?: string | undefined }
  | { readonly kind: 'shutting_down' };

/** One named check of `/livez` or `/readyz`. */
export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  /** Why it fails (or a short fact when it passes), for people reading the probe's body. */
  readonly detail?: string | undefined;
}

export interface HealthReport {
  readonly checks: readonly HealthCheck[];
}

/**
 * What the controller implements. The server adds its own checks (event loop, listeners up) to
 * `live()` and `ready()`. Every hook may be synchronous or return a promise.
 */
export interface ServerHooks {
  /** A verified webhook named something; queue what uses it. */
  onTrigger(trigger: WebhookTrigger): TriggerOutcome | Promise<TriggerOutcome>;
  /** `POST /api/v1/repositories/:repository/trigger` with the trigger token. */
  manualTrigger(repository: string): ManualTriggerOutcome | Promise<ManualTriggerOutcome>;
  /** Liveness: the main loop's heartbeat (never Git or registry reachability). */
  live(): HealthReport | Promise<HealthReport>;
  /**
   * Readiness: configuration valid and each repository this replica owns reached once (a
   * standby owning none is ready). Later outages never make it unready.
   */
  ready(): HealthReport | Promise<HealthReport>;
  /** The read-only status API's body (status-schema.ts). */
  status(): StatusReport | Promise<StatusReport>;
}

export interface ServerDeps {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Redacts every string of the status API's output (issue 16: every output channel). */
  readonly redactor: SecretRedactor;
  /** The clock (ms since the epoch); tests pass a fixed one. */
  readonly now?: () => number;
  /** JWKS fetches for gcr receivers; default the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface ListenAddress {
  readonly address: string;
  readonly port: number;
  /** `http://host:port`, with IPv6 hosts bracketed. */
  readonly url: string;
}

export interface RunningServers {
  readonly webhooks: ListenAddress;
  readonly health: ListenAddress;
  /** Stop taking webhooks and manual triggers (start of a graceful shutdown); health stays up. */
  stopTriggers(): void;
  /** Closes both listeners (open connections are ended). */
  close(): Promise<void>;
}
