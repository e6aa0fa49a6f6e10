/** Small schema helpers shared by the config sections. */
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses `90s`, `5m`, `1.5h`, `250ms`, `2d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
}

/** A duration written as `30s`, `5m`, `1h` (or a number of milliseconds), parsed to ms. */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/** A path to a file holding a secret (a mounted Kubernetes Secret); never the secret itself. */
export const secretFile = z.string().min(1).describe('path to a file holding the secret');
