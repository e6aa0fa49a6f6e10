/**
 * The repository state file `.tagpilot.yaml` at the root of the automated repository: settings
 * that must live in Git because they are changed by commits (`tagpilot suspend` / `resume`,
 * hold releases by `tagpilot policy --unlock`). Absent file = defaults. Parsed strictly: a
 * malformed file suspends nothing but is reported, and is never rewritten unverified.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { TagpilotError } from '../errors/index.js';

export const STATE_FILE = '.tagpilot.yaml';

const stateSchema = z
  .object({
    suspend: z
      .object({
        by: z.string().optional(),
        message: z.string().optional(),
        since: z.string().optional(),
      })
      .strict()
      .optional(),
    /** slot id → the held value (what tagpilot wrote) whose hold was released. */
    releasedHolds: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export type RepoState = z.output<typeof stateSchema>;

export class StateFileError extends TagpilotError {
  constructor(problem: string) {
    super('STATE_FILE_INVALID', `${STATE_FILE}: ${problem}`);
  }
}

export function parseState(text: string | undefined): RepoState {
  if (text === undefined || text.trim() === '') return {};
  let raw: unknown;
  try {
    raw = parse(text) as unknown;
  } catch (error: unknown) {
    throw new StateFileError(
      `not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = stateSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new StateFileError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

/** Serialises the state with a header comment, then re-parses it (never write unverified). */
export function formatState(state: RepoState): string {
  const body = Object.keys(state).length === 0 ? '{}\n' : stringify(state);
  const text = `# Written by tagpilot (suspend/resume, policy --unlock); see docs/automation.md.\n${body}`;
  const back = parseState(text);
  if (!isDeepStrictEqual(back, state))
    throw new StateFileError('internal error: the state did not survive a round-trip');
  return text;
}
