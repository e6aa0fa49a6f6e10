import type { Command } from 'commander';
import { findLastWrites } from '../automation/holds.js';
import { tagOf } from '../automation/plan.js';
import { formatState, parseState, STATE_FILE } from '../automation/state.js';
import { applyAnnotationEdit, objectPathOf, type AnnotationChange } from '../manifests/index.js';
import { formatImageRef } from '../image/index.js';
import { formatWorkloadId, parsePolicy, PolicyError } from '../policy/index.js';
import type { FileWrite } from '../git/types.js';
import type { CommandModule } from './commands.js';
import { commitChange, NO_OVERRIDES, repoOption } from './automation-support.js';
import { changeMessage, printChange, userOf, workloadSlots } from './change-support.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

interface PolicyOptions {
  readonly automate?: boolean;
  readonly deautomate?: boolean;
  readonly lock?: boolean;
  readonly unlock?: boolean;
  readonly tag: string[];
  readonly user?: string;
  readonly message?: string;
  readonly repo?: string;
}

const LOCK_KEYS = ['tagpilot.io', 'fluxcd.io', 'flux.weave.works'].flatMap((prefix) => [
  `${prefix}/locked`,
  `${prefix}/locked_user`,
  `${prefix}/locked_msg`,
]);

/** The annotation changes for the options, in order; usage errors for contradictions. */
export function annotationChanges(options: PolicyOptions, user: string): AnnotationChange[] {
  if (options.automate === true && options.deautomate === true)
    throw new UsageError('--automate and --deautomate contradict each other');
  if (options.lock === true && options.unlock === true)
    throw new UsageError('--lock and --unlock contradict each other');
  const changes: AnnotationChange[] = [];
  if (options.automate === true)
    changes.push({ op: 'set', key: 'tagpilot.io/automated', value: 'true' });
  if (options.deautomate === true)
    changes.push({ op: 'set', key: 'tagpilot.io/automated', value: 'false' });
  if (options.lock === true) {
    changes.push({ op: 'set', key: 'tagpilot.io/locked', value: 'true' });
    changes.push({ op: 'set', key: 'tagpilot.io/locked_user', value: user });
    if (options.message !== undefined)
      changes.push({ op: 'set', key: 'tagpilot.io/locked_msg', value: options.message });
  }
  if (options.unlock === true) for (const key of LOCK_KEYS) changes.push({ op: 'remove', key });
  for (const spec of options.tag) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new UsageError(
        `--tag ${JSON.stringify(spec)}: expected <container>=<policy>, e.g. api=semver:~1.4`,
      );
    const container = spec.slice(0, eq);
    const expression = spec.slice(eq + 1);
    try {
      parsePolicy(expression, 'tagpilot', `tagpilot.io/tag.${container}`);
    } catch (error: unknown) {
      if (error instanceof PolicyError) throw new UsageError(error.message);
      throw error;
    }
    changes.push({ op: 'set', key: `tagpilot.io/tag.${container}`, value: expression });
  }
  return changes;
}

export const policyCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('policy')
      .description(
        "Change a workload's automation annotations as a Git commit: automate, deautomate, lock, unlock (also releases rollback holds), or set a container's tag policy.",
      )
      .argument('<workload>', 'workload id <namespace>:<kind>/<name>')
      .option('--automate', 'set tagpilot.io/automated: "true"')
      .option('--deautomate', 'set tagpilot.io/automated: "false"')
      .option('--lock', 'lock the workload (tagpilot.io/locked, with --user and --message)')
      .option('--unlock', 'remove every lock annotation and release rollback holds on its slots')
      .option(
        '--tag <container=policy>',
        'set tagpilot.io/tag.<container>, e.g. api=semver:~1.4 (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .option('--user <name>', 'commit author (and lock owner): "Name <email>" or a name')
      .option('--message <text>', 'why: goes into the commit message (and the lock message)')
      .addOption(repoOption())
      .addHelpText(
        'after',
        '\nExit codes: 0 committed (or nothing to change), 1 the push failed or was refused,\n2 usage error (unknown workload, bad policy, contradicting flags, a local path as --repo).\n\nExamples:\n  $ tagpilot policy prod:deployment/api --lock --user "Ann <ann@example.com>" --message "incident 42"\n  $ tagpilot policy prod:deployment/api --automate --tag api=semver:~1.4',
      )
      .action(async (workload: string, options: PolicyOptions) => {
        const { config } = context.config(NO_OVERRIDES);
        const user = userOf(options.user, config);
        const changes = annotationChanges(options, user);
        if (changes.length === 0)
          throw new UsageError(
            'nothing to do: give --automate, --deautomate, --lock, --unlock or --tag',
          );
        const result = await commitChange(
          context,
          options.repo,
          options.user,
          async (store, head, files, repo) => {
            const { slots } = await workloadSlots(repo, files, workload);
            const [first] = slots;
            if (first === undefined || first.workload === undefined)
              throw new UsageError(
                `${workload} is not a workload (field slots have no annotations)`,
              );
            const id = formatWorkloadId(first.workload);
            const file = files.find((f) => f.path === first.file);
            if (file === undefined) throw new UsageError(`${first.file} not found`);
            const before = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
              file.bytes,
            );
            let text = before;
            const target = {
              documentIndex: first.documentIndex,
              objectPath: objectPathOf(first.yamlPath),
            };
            for (const change of changes)
              text = applyAnnotationEdit(text, target, change, first.file);
            const writes: FileWrite[] = [];
            if (text !== before)
              writes.push({ path: first.file, bytes: new TextEncoder().encode(text) });
            const released: string[] = [];
            if (options.unlock === true) {
              // Release holds: record, per slot whose value differs from tagpilot's last write,
              // that the hold below that value is released (docs/automation.md, "Holds").
              const lastWrites = await findLastWrites(store, slots, config.automation.holdDepth);
              const stateFile = await store.readFileAt(STATE_FILE, head);
              const state = parseState(
                stateFile === undefined ? undefined : new TextDecoder().decode(stateFile.bytes),
              );
              const releasedHolds = { ...(state.releasedHolds ?? {}) };
              for (const slot of slots) {
                const written = lastWrites.get(slot.id);
                const writtenTag = written === undefined ? undefined : tagOf(written.value);
                if (writtenTag === undefined || writtenTag === slot.current.tag) continue;
                if (releasedHolds[slot.id] === writtenTag) continue;
                releasedHolds[slot.id] = writtenTag;
                released.push(
                  `${slot.id} (at ${formatImageRef(slot.current)}, held below ${writtenTag})`,
                );
              }
              if (released.length > 0)
                writes.push({
                  path: STATE_FILE,
                  bytes: new TextEncoder().encode(formatState({ ...state, releasedHolds })),
                });
            }
            const actions = [
              options.automate === true ? 'automate' : undefined,
              options.deautomate === true ? 'deautomate' : undefined,
              options.lock === true ? 'lock' : undefined,
              options.unlock === true ? 'unlock' : undefined,
              ...options.tag.map((t) => `tag ${t}`),
            ].filter((a): a is string => a !== undefined);
            const description = `${actions.join(', ')} ${id}${released.length > 0 ? `; released holds: ${released.join(', ')}` : ''}`;
            return {
              writes,
              description,
              message: changeMessage(
                `chore(policy): ${actions.join(', ')} ${id}`,
                options.message,
                'Tagpilot-Policy',
                `${id} ${actions.join(',').replace(/ /g, '=')}`,
              ),
            };
          },
        );
        printChange(context.io.stdout, result);
        setExit(EXIT.ok);
      });
  },
};
