/** Applies the redactor to every string in a JSON value (keys and values), for the status API. */
import type { SecretRedactor } from '../telemetry/index.js';

export function redactDeep<T>(value: T, redactor: SecretRedactor): T {
  return walk(value, redactor) as T;
}

function walk(value: unknown, redactor: SecretRedactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, redactor));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[redactor.redact(key)] = walk(item, redactor);
    return out;
  }
  return value;
}
