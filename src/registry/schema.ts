/**
 * Schemas for every registry payload, validated at the boundary and lenient about extra fields
 * (registries add their own: GCR's `manifest{}` in tags/list, Hub's extra token fields).
 */
import { z } from 'zod';

/** `GET /v2/<name>/tags/list` (distribution-spec "Listing Tags"). `tags` may be null when empty. */
export const TagsListSchema = z.object({
  name: z.string().optional(),
  tags: z.array(z.string()).nullable().optional(),
});

/** Token endpoint answer (distribution spec/auth/token.md "Token Response Fields"). */
export const TokenResponseSchema = z
  .object({
    token: z.string().min(1).optional(),
    access_token: z.string().min(1).optional(),
    expires_in: z.number().int().positive().optional(),
    issued_at: z.string().optional(),
    refresh_token: z.string().optional(),
  })
  .refine((value) => value.token !== undefined || value.access_token !== undefined, {
    message: 'neither "token" nor "access_token" present',
  });

const PlatformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
});

const DescriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().optional(),
  platform: PlatformSchema.optional(),
});

/** OCI image index / Docker manifest list (image-spec image-index.md). */
export const IndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(DescriptorSchema),
});

/** OCI image manifest / Docker schema 2 (image-spec manifest.md). */
export const ImageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: DescriptorSchema,
});

/** Image config (image-spec config.md); only what tagpilot reads. */
export const ImageConfigSchema = z.object({
  created: z.string().optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
});

/** `{"errors":[{"code":..,"message":..}]}` (distribution-spec "Error Codes"). */
export const ErrorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string(), message: z.string().optional() })),
});

export type Platform = z.infer<typeof PlatformSchema>;
export type ImageIndex = z.infer<typeof IndexSchema>;
