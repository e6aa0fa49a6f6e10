import { z } from 'zod';
import { secretFile } from './common.js';
import { registryProvidersSchema } from './registry-providers.js';

export const registrySettingsSchema = z
  .object({
    /** Plain HTTP instead of HTTPS (local registries only). */
    insecure: z.boolean().default(false),
    /** Extra CA bundle (PEM) for this registry. */
    caFile: z.string().min(1).optional(),
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
  })
  .strict();
