import { z } from 'zod';
import { duration } from './common.js';

/** The automation cycle's settings (docs/automation.md). */
export const automationSchema = z
  .object({
    /** Time between two cycles of `tagpilot run`. */
    interval: duration.default(5 * 60_000),
    /**
     * Batching window for `tagpilot run` (loop): updates first seen within this window are
     * committed together once it has passed; 0 commits at once. `run --once` ignores it.
     */
    batchWindow: duration.default(0),
    /** Skip tags pushed less than this long ago (only when the registry reports push times). */
    minTagAge: duration.default(0),
    /** Commit message template with {{subject}} {{body}} {{count}} {{updates}} {{workloads}} {{images}}. */
    messageTemplate: z.string().min(1).optional(),
    /** Append `[skip ci]` to tagpilot's commit subjects. */
    skipCi: z.boolean().default(false),
    /** Stop all writes (scans and `plan` keep working); `tagpilot suspend` writes it to Git instead. */
    suspend: z.boolean().default(false),
    /** Re-plans after a raced push before the cycle gives up (the next cycle tries again). */
    maxRetries: z.number().int().nonnegative().default(4),
    /** First and largest delay of the jittered back-off between re-plans. */
    retryBaseDelay: duration.default(500),
    retryMaxDelay: duration.default(10_000),
    /** Commits per file read to find tagpilot's last write when checking for rollback holds. */
    holdDepth: z.number().int().positive().default(50),
    /** Image repositories scanned at the same time (the registry layer limits per host too). */
    scanConcurrency: z.number().int().positive().default(8),
  })
  .strict();
