/**
 * The whole configuration: one section per module. Later issues add keys to their own section
 * file under sections/, never a second mechanism.
 */
import { z } from 'zod';
import { automationSchema } from './sections/automation.js';
import { cacheSchema } from './sections/cache.js';
import { clusterSchema, type ClusterConnection } from './sections/cluster.js';
import { gitSchema } from './sections/git.js';
import { logSchema } from './sections/log.js';
import { registriesSchema } from './sections/registries.js';
import { repositoriesSchema } from './sections/repositories.js';
import { serverSchema } from './sections/server.js';
import { webhooksSchema } from './sections/webhooks.js';

export const configSchema = z
  .object({
    repositories: repositoriesSchema,
    git: gitSchema.default(gitSchema.parse({})),
    registries: registriesSchema.default(registriesSchema.parse({})),
    automation: automationSchema.default(automationSchema.parse({})),
    cache: cacheSchema.default(cacheSchema.parse({})),
    log: logSchema.default(logSchema.parse({})),
    server: serverSchema.default(serverSchema.parse({})),
    webhooks: webhooksSchema.default(webhooksSchema.parse({})),
    cluster: clusterSchema.default(clusterSchema.parse({})),
  })
  .strict();

/** The names of the sections that take `TAGPILOT_<SECTION>_<KEY>` overrides. */
export const SECTIONS = [
  'git',
  'registries',
  'automation',
  'cache',
  'log',
  'server',
  'webhooks',
  'cluster',
] as const;

type Parsed = z.output<typeof configSchema>;
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The validated, frozen configuration passed down from start-up. */
export type Config = DeepReadonly<
  Parsed & {
    cache: { dir: string };
    /** Resolved at start-up: how (and whether) tagpilot reaches a Kubernetes cluster. */
    cluster: Parsed['cluster'] & { connection: ClusterConnection };
  }
>;
export type RepositoryConfig = Config['repositories'][number];
export type ServerConfig = Config['server'];
export type WebhooksConfig = Config['webhooks'];
export type WebhookReceiverConfig = WebhooksConfig['receivers'][number];
