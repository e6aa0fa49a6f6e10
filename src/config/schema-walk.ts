/**
 * Walks the zod schema to list the scalar settings that environment variables may override, so
 * `TAGPILOT_<SECTION>_<KEY>` is derived from the schema itself and can never drift from it.
 */
import type { z } from 'zod';

export type LeafKind = 'string' | 'number' | 'boolean' | 'list' | 'duration';

export interface Leaf {
  readonly path: readonly string[];
  readonly kind: LeafKind;
}

// zod 4 keeps a schema's definition under `_zod.def`; only the fields read here are typed.
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional/default/nullable/pipe wrappers down to the schema that decides the type. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
}

function kindOf(schema: z.ZodType): LeafKind | 'object' | undefined {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'string':
    case 'enum':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    case 'union':
      // The only union in the config is `duration` (a number of ms or a string such as `5m`).
      return 'duration';
    case 'object':
      return 'object';
    default:
      return undefined; // records and the like have no fixed key to name in a variable
  }
}

export function listLeaves(schema: z.ZodType, prefix: readonly string[] = []): Leaf[] {
  const def = defOf(unwrap(schema));
  const leaves: Leaf[] = [];
  for (const [key, child] of Object.entries(def.shape ?? {})) {
    const kind = kindOf(child);
    if (kind === 'object') leaves.push(...listLeaves(child, [...prefix, key]));
    else if (kind !== undefined) leaves.push({ path: [...prefix, key], kind });
  }
  return leaves;
}

/** `['automation', 'batchWindow']` → `TAGPILOT_AUTOMATION_BATCH_WINDOW`. */
export function envName(path: readonly string[]): string {
  const words = path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return `TAGPILOT_${words.join('_')}`;
}
