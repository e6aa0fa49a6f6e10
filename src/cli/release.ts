import type { Command } from 'commander';
import { applyImageEdits } from '../manifests/index.js';
import {
  formatImageRef,
  ImageRefError,
  parseImageRef,
  sameRepository,
  type ImageRef,
} from '../image/index.js';
import { formatWorkloadId } from '../policy/index.js';
import type { FileWrite } from '../git/types.js';
import type { ImageEdit } from '../manifests/types.js';
import type { CommandModule } from './commands.js';
import { commitChange, NO_OVERRIDES, repoOption } from './automation-support.js';
import { changeMessage, printChange, workloadSlots } from './change-support.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

interface ReleaseOptions {
  readonly updateImage: string;
  readonly force?: boolean;
  readonly user?: string;
  readonly message?: string;
  readonly repo?: string;
}

export const releaseCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('release')
      .description(
        "Set a workload's image by hand, as a Git commit: every container of the workload running that image repository gets the given tag (and digest).",
      )
      .argument(
        '<workload>',
        'workload id <namespace>:<kind>/<name>, or a field slot <file>#<yaml path>',
      )
      .requiredOption('--update-image <ref>', 'the new reference, e.g. ghcr.io/acme/api:1.4.2')
      .option('--force', 'release even when the workload is locked')
      .option('--user <name>', 'commit author: "Name <email>" or a name')
      .option('--message <text>', 'why: goes into the commit message')
      .addOption(repoOption())
      .addHelpText(
        'after',
        "\nA release to an older tag than tagpilot wrote is a rollback: the cycle then holds the slot\nthere (no re-upgrade) until a newer tag appears or `tagpilot policy --unlock` releases it.\nExit codes: 0 committed (or already at that image), 1 the workload is locked (use --force) or the\npush failed, 2 usage error (unknown workload, no container runs that image, bad reference).\n\nExample:\n  $ tagpilot release prod:deployment/api --update-image ghcr.io/acme/api:1.4.2 --message 'roll back'",
      )
      .action(async (workload: string, options: ReleaseOptions) => {
        context.config(NO_OVERRIDES);
        let to: ImageRef;
        try {
          to = parseImageRef(options.updateImage);
        } catch (error: unknown) {
          if (error instanceof ImageRefError) throw new UsageError(error.message);
          throw error;
        }
        if (to.tag === undefined && to.digest === undefined)
          throw new UsageError(`--update-image ${options.updateImage}: give a tag or a digest`);
        const outcome = { locked: false };
        const result = await commitChange(
          context,
          options.repo,
          options.user,
          async (_store, _head, files, repo) => {
            const { slots } = await workloadSlots(repo, files, workload);
            const matching = slots.filter((s) => sameRepository(s.current, to));
            if (matching.length === 0)
              throw new UsageError(
                `no container of ${workload} runs ${to.registry}/${to.repository} (it runs ${[...new Set(slots.map((s) => formatImageRef(s.current)))].join(', ')})`,
              );
            const lock = matching.find((s) => s.workloadPolicy?.locked === true);
            if (lock !== undefined && options.force !== true) {
              outcome.locked = true;
              return {
                writes: [],
                message: '',
                description: `${workload} is locked${lock.workloadPolicy?.lockedBy === undefined ? '' : ` by ${lock.workloadPolicy.lockedBy}`}; use --force to release anyway`,
              };
            }
            const byFile = new Map<string, ImageEdit[]>();
            for (const slot of matching)
              byFile.set(slot.file, [...(byFile.get(slot.file) ?? []), { slot, to }]);
            const writes: FileWrite[] = [];
            for (const [path, edits] of byFile) {
              const file = files.find((f) => f.path === path);
              if (file === undefined) continue;
              const before = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
                file.bytes,
              );
              const after = applyImageEdits(before, edits, { file: path });
              if (after !== before) writes.push({ path, bytes: new TextEncoder().encode(after) });
            }
            const first = matching[0];
            const id = first?.workload === undefined ? workload : formatWorkloadId(first.workload);
            return {
              writes,
              description: `release ${id} to ${options.updateImage}`,
              // Not a Tagpilot-Update trailer: a person chose this value, so a release to an older
              // tag is a rollback the cycle respects (holds).
              message: changeMessage(
                `chore(release): ${id} to ${options.updateImage}`,
                options.message,
                'Tagpilot-Release',
                `${id} ${options.updateImage}`,
              ),
            };
          },
        );
        printChange(context.io.stdout, result);
        setExit(outcome.locked ? EXIT.report : EXIT.ok);
      });
  },
};
