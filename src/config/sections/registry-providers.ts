import { z } from 'zod';

/** Settings for cloud registry providers (ECR, GCR/Artifact Registry, ACR, Docker Hub API). */
export const registryProvidersSchema = z.object({}).strict();
