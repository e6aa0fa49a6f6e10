/** Lenient JSON reading for verified webhook bodies: typed access without trusting the shape. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses the body; undefined when it is not JSON. */
export function parseJson(body: Buffer): Json | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

/** The value at `path` in nested objects and arrays; undefined when absent. */
export function at(
  value: Json | undefined,
  ...path: readonly (string | number)[]
): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (typeof key !== 'number') return undefined;
      current = current[key];
    } else {
      if (typeof key !== 'string' || !Object.hasOwn(current, key)) return undefined;
      current = current[key];
    }
  }
  return current;
}

/** The non-empty string at `path`, or undefined. */
export function text(
  value: Json | undefined,
  ...path: readonly (string | number)[]
): string | undefined {
  const found = at(value, ...path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** The array at `path` (empty when absent or not an array). */
export function list(value: Json | undefined, ...path: readonly (string | number)[]): Json[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
}

/** The distinct non-empty strings among `values`. */
export function distinct(values: readonly (string | undefined)[]): string[] {
  return [
    ...new Set(values.filter((value): value is string => value !== undefined && value !== '')),
  ];
}

export function jsonBody(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
