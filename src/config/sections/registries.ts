import { z } from 'zod';
import { duration, secretFile } from './common.js';
import { registryProvidersSchema } from './registry-providers.js';

export const registrySettingsSchema = z
  .object({
    /** Plain HTTP instead of HTTPS (local registries only). */
    insecure: z.boolean().default(false),
    /** Extra CA bundle (PEM) for this registry. */
    caFile: z.string().min(1).optional(),
    /** Requests in flight at once to this host (default: per known host, else 8). */
    concurrency: z.number().int().min(1).max(64).optional(),
    /** Requests per second to this host (default: per known host, else 50). */
    perSecond: z.number().positive().max(10_000).optional(),
  })
  .strict();

const proxySchema = z
  .object({
    /** Proxy for HTTPS registries; default: the HTTPS_PROXY variable, read by the caller. */
    httpsProxy: z.string().min(1).optional(),
    /** Proxy for plain-HTTP registries; default: HTTP_PROXY. */
    httpProxy: z.string().min(1).optional(),
    /** Hosts that bypass the proxy (NO_PROXY syntax). */
    noProxy: z.string().optional(),
  })
  .strict();

const registryCacheSchema = z
  .object({
    /** Keep tag lists and per-digest metadata on disk under `<cache.dir>/registry`. */
    enabled: z.boolean().default(true),
    /** Upper bound of the on-disk registry cache, in bytes; oldest entries are evicted. */
    maxBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(256 * 1024 * 1024),
    /** A known tag's digest is trusted this long before it is checked again with a HEAD. */
    tagRecheck: duration.default(24 * 3_600_000),
  })
  .strict();

export const registriesSchema = z
  .object({
    /** Docker `config.json` or a `kubernetes.io/dockerconfigjson` Secret file. */
    dockerConfigFile: secretFile.optional(),
    /** Per-host settings, keyed by `host[:port]`. */
    hosts: z.record(z.string(), registrySettingsSchema).default({}),
    /** Cloud providers: ECR, GCR/Artifact Registry, ACR, Docker Hub's API. */
    providers: registryProvidersSchema.default(registryProvidersSchema.parse({})),
    /** Mirrors tried before a registry, e.g. `{"docker.io": ["https://mirror.example"]}`. */
    mirrors: z.record(z.string(), z.array(z.url())).default({}),
    /**
     * Token realms on other hosts that may receive a registry's credentials, keyed by registry
     * host (`docker.io` → `auth.docker.io` is built in). Any other realm gets anonymous requests.
     */
    tokenRealms: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /** Deadline for each registry HTTP request. */
    requestTimeout: duration.default(30_000),
    /** Largest registry response accepted, in bytes. */
    maxResponseBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(32 * 1024 * 1024),
    /** Most per-tag metadata requests per repository and cycle; the rest waits for later cycles. */
    metadataBudget: z.number().int().min(0).default(200),
    /** Platforms a tag must provide when it is a multi-arch index (`os/arch[/variant]`). */
    platforms: z
      .array(z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/))
      .min(1)
      .default(['linux/amd64']),
    /** Docker Hub: stop pull-counting requests when `ratelimit-remaining` is at or below this. */
    pullReserve: z.number().int().min(0).default(10),
    proxy: proxySchema.default(proxySchema.parse({})),
    cache: registryCacheSchema.default(registryCacheSchema.parse({})),
  })
  .strict();

export type RegistriesSettings = z.infer<typeof registriesSchema>;
