import { z } from 'zod';
import { duration } from './common.js';

export const automationSchema = z
  .object({
    /** Time between two cycles of `tagpilot run`. */
    interval: duration.default(5 * 60_000),
  })
  .strict();
