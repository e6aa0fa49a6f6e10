/**
 * Exit codes, the same in every command (docs/cli.md):
 * 0 done; 1 something to report (no match, errors in some slots, registry down, push retries
 * exhausted); 2 usage or configuration error; 3 `plan --exit-code` with changes pending.
 */
export const EXIT = {
  ok: 0,
  report: 1,
  usage: 2,
  pending: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
