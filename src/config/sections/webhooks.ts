import { z } from 'zod';
import { duration, secretFile } from './common.js';

/** Every sender tagpilot has a receiver for (docs/webhooks.md has a recipe for each). */
export const WEBHOOK_TYPES = [
  'dockerhub',
  'github',
  'gitlab',
  'gitea',
  'bitbucket',
  'quay',
  'harbor',
  'acr',
  'gcr',
  'ecr',
  'distribution',
  'generic-hmac',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

const rateLimitSchema = z
  .object({
    /** Deliveries a receiver accepts at once before it starts answering 429. */
    burst: z.number().int().min(1).default(60),
    /** Deliveries per minute refilled into the burst allowance. */
    perMinute: z.number().positive().default(120),
  })
  .strict();

export const webhookReceiverSchema = z
  .object({
    /** Names the receiver in URLs (`/hook/<name>`), logs and metrics; lower-case, digits, `-`. */
    name: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and "-"'),
    type: z.enum(WEBHOOK_TYPES),
    /**
     * File holding the shared secret: the HMAC key (github, gitea, bitbucket, generic-hmac), the
     * `X-Gitlab-Token` (gitlab), the header value (harbor, acr, ecr, distribution), or the seed
     * of the secret URL path (dockerhub, quay). Re-read when the file changes.
     */
    secretFile: secretFile.optional(),
    /** gitlab: file holding the webhook's signing token (`whsec_...`, Standard Webhooks). */
    signingTokenFile: secretFile.optional(),
    /** harbor, acr, ecr, distribution: the header that carries the secret. */
    header: z.string().min(1).default('Authorization'),
    /**
     * Image receivers: the registry host your manifests use, when it differs from the host the
     * sender names (a registry behind an alias or a proxy).
     */
    registryHost: z.string().min(1).optional(),
    /**
     * bitbucket (Data Center): the server's base URL (`https://bitbucket.example.com`), to name
     * the repository of a payload that carries no clone links (`<baseUrl>/scm/<project>/<slug>.git`).
     */
    baseUrl: z.url().optional(),
    /** gcr: the `aud` claim configured on the Pub/Sub push subscription. */
    audience: z.string().min(1).optional(),
    /** gcr: the service account e-mail configured on the push subscription (`email` claim). */
    serviceAccountEmail: z.string().min(1).optional(),
    /** gcr: accepted `iss` values. */
    issuers: z
      .array(z.string().min(1))
      .min(1)
      .default(['https://accounts.google.com', 'accounts.google.com']),
    /** gcr: where Google's token-signing keys (JWKS) are published. */
    jwksUrl: z.url().default('https://www.googleapis.com/oauth2/v3/certs'),
    /** Overrides the section's rate limit for this receiver. */
    rateLimit: rateLimitSchema.optional(),
  })
  .strict()
  .superRefine((receiver, ctx) => {
    if (receiver.type === 'gcr') {
      for (const key of ['audience', 'serviceAccountEmail'] as const) {
        if (receiver[key] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `a gcr receiver verifies Pub/Sub's OIDC token and needs ${key}`,
          });
      }
      return;
    }
    if (receiver.type === 'gitlab' && receiver.signingTokenFile !== undefined) return;
    if (receiver.secretFile === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['secretFile'],
        message: `a ${receiver.type} receiver needs a secret: set secretFile${receiver.type === 'gitlab' ? ' (X-Gitlab-Token) or signingTokenFile' : ''}`,
      });
  });

/** Webhook receivers (docs/webhooks.md): they only ever trigger cycles, never carry data. */
export const webhooksSchema = z
  .object({
    receivers: z
      .array(webhookReceiverSchema)
      .default([])
      .superRefine((receivers, ctx) => {
        const seen = new Set<string>();
        receivers.forEach((receiver, index) => {
          if (seen.has(receiver.name))
            ctx.addIssue({
              code: 'custom',
              path: [index, 'name'],
              message: `receiver name ${JSON.stringify(receiver.name)} is used twice`,
            });
          seen.add(receiver.name);
        });
      }),
    /** Default per-receiver rate limit (a token bucket). */
    rateLimit: rateLimitSchema.default(rateLimitSchema.parse({})),
    /** Largest body of a Git push delivery (github, gitlab, gitea, bitbucket). */
    maxGitBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    /** Largest body of every other delivery. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Delivery ids remembered per receiver to recognise redeliveries. */
    deliveryMemory: z.number().int().min(0).default(10_000),
    /** gcr: clock difference accepted when checking a token's `exp`, `iat` and `nbf`. */
    clockSkew: duration.default(60_000),
  })
  .strict();
