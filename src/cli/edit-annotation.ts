/**
 * `tagpilot edit-annotation`: set or remove one `metadata.annotations` key of a workload in one
 * file (Flux v1's `kubeyaml annotate`), with the editor's verification. The workload is found by
 * discovery, so it must have at least one container image.
 */
import type { Command } from 'commander';
import { applyAnnotationEdit, objectPathOf, type AnnotationChange } from '../manifests/index.js';
import { formatWorkloadId } from '../policy/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import {
  EditTargetError,
  parseWorkloadOption,
  readManifest,
  workloadSlots,
  writeAtomically,
} from './edit-image.js';
import { EXIT } from './exit-codes.js';

interface EditAnnotationOptions {
  readonly workload: string;
  readonly set?: string;
  readonly remove?: string;
  readonly inPlace?: boolean;
}

function changeFrom(options: EditAnnotationOptions): AnnotationChange {
  if ((options.set === undefined) === (options.remove === undefined))
    throw new UsageError('give exactly one of --set <key>=<value> and --remove <key>');
  if (options.remove !== undefined) return { op: 'remove', key: options.remove };
  const set = options.set ?? '';
  const equals = set.indexOf('=');
  if (equals <= 0) throw new UsageError(`--set ${JSON.stringify(set)}: expected <key>=<value>`);
  return { op: 'set', key: set.slice(0, equals), value: set.slice(equals + 1) };
}

export const editAnnotationCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('edit-annotation')
      .description(
        "Set or remove one of a workload's metadata.annotations in a manifest file, changing nothing else; prints the file (or rewrites it with --in-place).",
      )
      .argument('<file>', 'YAML manifest')
      .requiredOption('--workload <id>', 'workload id <namespace>:<kind>/<name>')
      .option('--set <key=value>', 'add the annotation, or change its value')
      .option('--remove <key>', 'remove the annotation (nothing happens when it is absent)')
      .option(
        '--in-place',
        'rewrite the file (atomically, keeping its mode) instead of printing it',
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 done, 1 workload not found or the edit was refused, 2 bad arguments.\n\nExample:\n  $ tagpilot edit-annotation deploy.yaml --workload prod:deployment/api --set tagpilot.io/policy.api=semver:~1.4',
      )
      .action((file: string, options: EditAnnotationOptions) => {
        const workload = parseWorkloadOption(options.workload);
        const change = changeFrom(options);
        const manifest = readManifest(file, context.io.cwd);
        const { mine } = workloadSlots(manifest, workload);
        const targets = new Set(
          mine.map((slot) => JSON.stringify([slot.documentIndex, objectPathOf(slot.yamlPath)])),
        );
        const [only, ...more] = [...targets];
        if (only === undefined || more.length > 0)
          throw new EditTargetError(
            `${manifest.shown}: ${formatWorkloadId(workload)} is defined ${targets.size} times in this file`,
          );
        const [documentIndex, objectPath] = JSON.parse(only) as [number, (string | number)[]];
        const edited = applyAnnotationEdit(
          manifest.text,
          { documentIndex, objectPath },
          change,
          manifest.shown,
        );
        if (options.inPlace === true) {
          if (edited !== manifest.text) writeAtomically(manifest, edited);
        } else {
          context.io.stdout.write(edited);
        }
        setExit(EXIT.ok);
      });
  },
};
