import { z } from 'zod';

export const logSchema = z
  .object({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** `json` for machines (one object per line), `text` for people. */
    format: z.enum(['json', 'text']).default('json'),
  })
  .strict();
