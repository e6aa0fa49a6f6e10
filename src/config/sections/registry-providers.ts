import { z } from 'zod';
import { duration, secretFile } from './common.js';

/**
 * Settings for credential sources and cloud registry providers, mounted at
 * `registries.providers` (docs/registry-providers.md). Every provider only ever answers for the
 * hosts it recognises, so leaving one enabled costs nothing where it is not used.
 */

const ecrSchema = z
  .object({
    /** Get registry passwords with GetAuthorizationToken for `*.dkr.ecr.*.amazonaws.com`. */
    enabled: z.boolean().default(true),
    /** Region for the ECR API; default: the region named in the registry host. */
    region: z.string().min(1).optional(),
    /** ECR API endpoint override (a VPC interface endpoint, or a test double). */
    endpoint: z.url().optional(),
    /** Read push times and digests for a whole repository with DescribeImages. */
    bulkMetadata: z.boolean().default(true),
    /** Attempts per ECR API call, the SDK's own retry with back-off included. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
  })
  .strict();

const gcpSchema = z
  .object({
    /** OAuth2 access tokens for `gcr.io`, `*.gcr.io` and `*-docker.pkg.dev`. */
    enabled: z.boolean().default(true),
    /** Service account key file; default: application default credentials. */
    keyFile: secretFile.optional(),
  })
  .strict();

const acrSchema = z
  .object({
    /** Azure AD → ACR refresh token exchange for `*.azurecr.io` and sovereign clouds. */
    enabled: z.boolean().default(true),
    /** Client id of a user-assigned managed identity (default: the system-assigned one). */
    clientId: z.string().min(1).optional(),
    /** Tenant id sent with the exchange (default: the token's own tenant). */
    tenantId: z.string().min(1).optional(),
    /** Azure AD scope to request; default: the Resource Manager audience of the registry's cloud. */
    scope: z.string().min(1).optional(),
  })
  .strict();

const dockerHubSchema = z
  .object({
    /** Read `tag_last_pushed` and digests from Docker Hub's tags API (not counted as pulls). */
    bulkMetadata: z.boolean().default(true),
    /** Base URL of the Hub API. */
    apiUrl: z.url().default('https://hub.docker.com'),
    /**
     * Log in to the Hub API with the `docker.io` credentials when a repository needs it. Only
     * ever used with the real `https://hub.docker.com`, whatever `apiUrl` says.
     */
    useCredentials: z.boolean().default(true),
    /** Most pages of 100 tags read per repository (newest first). */
    maxPages: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

const helpersSchema = z
  .object({
    /** Run `docker-credential-<name>` helpers named by `credHelpers` / `credsStore`. */
    enabled: z.boolean().default(true),
    /** Longest a helper may run before it is killed. */
    timeout: duration.default(10_000),
  })
  .strict();

export const registryProvidersSchema = z
  .object({
    credentialHelpers: helpersSchema.default(helpersSchema.parse({})),
    ecr: ecrSchema.default(ecrSchema.parse({})),
    gcp: gcpSchema.default(gcpSchema.parse({})),
    acr: acrSchema.default(acrSchema.parse({})),
    dockerHub: dockerHubSchema.default(dockerHubSchema.parse({})),
    /** Master switch for bulk metadata sources (ECR DescribeImages, Docker Hub tags API). */
    bulkMetadata: z.boolean().default(true),
    /** Timeout for each provider HTTP call (token exchange, Hub API page). */
    requestTimeout: duration.default(15_000),
  })
  .strict();

export type RegistryProvidersSettings = z.infer<typeof registryProvidersSchema>;
