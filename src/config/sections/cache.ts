import { z } from 'zod';

export const cacheSchema = z
  .object({
    /** Directory for the Git working copy and the registry cache; default is set at load time. */
    dir: z.string().min(1).optional(),
  })
  .strict();
