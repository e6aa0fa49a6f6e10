import type { Command } from 'commander';
import { formatState, parseState, STATE_FILE, type RepoState } from '../automation/state.js';
import type { CommandModule } from './commands.js';
import { commitChange, NO_OVERRIDES, repoOption } from './automation-support.js';
import { changeMessage, printChange, userOf } from './change-support.js';
import { EXIT } from './exit-codes.js';

interface SuspendOptions {
  readonly user?: string;
  readonly message?: string;
  readonly repo?: string;
}

/** Writes `.tagpilot.yaml` with or without `suspend`, as a commit (shared by suspend/resume). */
export function stateCommand(name: 'suspend' | 'resume'): CommandModule {
  const suspending = name === 'suspend';
  return {
    register(program: Command, context, setExit) {
      program
        .command(name)
        .description(
          suspending
            ? `Stop all of tagpilot's writes to the repository (scans and plan keep working), by committing suspend to ${STATE_FILE}.`
            : `Resume tagpilot's writes, by committing the removal of suspend from ${STATE_FILE}.`,
        )
        .option('--user <name>', 'commit author: "Name <email>" or a name')
        .option('--message <text>', 'why: goes into the commit message and the state file')
        .addOption(repoOption())
        .addHelpText(
          'after',
          `\nThe config key automation.suspend: true also suspends, for one controller only.\nExit codes: 0 committed (or already ${suspending ? 'suspended' : 'running'}), 1 the push failed, 2 usage error.\n\nExample:\n  $ tagpilot ${name} --user "Ann <ann@example.com>" --message "release freeze"`,
        )
        .action(async (options: SuspendOptions) => {
          const { config } = context.config(NO_OVERRIDES);
          const result = await commitChange(
            context,
            options.repo,
            options.user,
            async (store, head) => {
              const file = await store.readFileAt(STATE_FILE, head);
              const state = parseState(
                file === undefined ? undefined : new TextDecoder().decode(file.bytes),
              );
              const already = suspending === (state.suspend !== undefined);
              if (already)
                return {
                  writes: [],
                  message: '',
                  description: suspending ? 'already suspended' : 'not suspended',
                };
              const { suspend: _old, ...rest } = state;
              const next: RepoState = suspending
                ? {
                    ...rest,
                    suspend: {
                      by: userOf(options.user, config),
                      since: new Date().toISOString(),
                      ...(options.message === undefined ? {} : { message: options.message }),
                    },
                  }
                : rest;
              return {
                writes: [{ path: STATE_FILE, bytes: new TextEncoder().encode(formatState(next)) }],
                description: suspending ? 'automation suspended' : 'automation resumed',
                message: changeMessage(
                  `chore(tagpilot): ${name} automation`,
                  options.message,
                  'Tagpilot-State',
                  name,
                ),
              };
            },
          );
          printChange(context.io.stdout, result);
          setExit(EXIT.ok);
        });
    },
  };
}

export const suspendCommand = stateCommand('suspend');
