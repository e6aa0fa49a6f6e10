/**
 * `tagpilot edit-image`: set one container's image in one file, the way Flux v1 users ran
 * `kubeyaml image`: handy in scripts, and the editor seen from outside. Discovery finds the slot
 * (the same code the automation uses), the editor splices and verifies it.
 */
import type { Command } from 'commander';
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ImageRefError, parseImageRef, type ImageRef } from '../image/index.js';
import { applyImageEdits, decodeUtf8, discoverFile, type ImageSlot } from '../manifests/index.js';
import { TagpilotError } from '../errors/index.js';
import {
  formatWorkloadId,
  parseWorkloadId,
  sameWorkload,
  WorkloadIdError,
  type WorkloadId,
} from '../policy/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

/** The file or workload named on the command line is not there: exit code 1 (something to report). */
export class EditTargetError extends TagpilotError {
  constructor(message: string) {
    super('CLI_EDIT_TARGET', message);
  }
}

export interface ManifestOnDisk {
  readonly absolute: string;
  /** As given on the command line, for messages. */
  readonly shown: string;
  readonly text: string;
  /** Permission bits, kept when writing in place. */
  readonly mode: number;
}

export function readManifest(file: string, cwd: string): ManifestOnDisk {
  const absolute = resolve(cwd, file);
  let bytes: Buffer;
  let mode: number;
  try {
    mode = statSync(absolute).mode & 0o7777;
    bytes = readFileSync(absolute);
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new UsageError(`cannot read ${file}: ${code}`);
  }
  const text = decodeUtf8(bytes);
  if (text === undefined)
    throw new EditTargetError(`${file}: not UTF-8 text; tagpilot edits only UTF-8 YAML`);
  return { absolute, shown: file, text, mode };
}

/** Replaces the file through a temporary sibling and a rename, keeping its mode. */
export function writeAtomically(target: ManifestOnDisk, text: string): void {
  const temporary = join(
    dirname(target.absolute),
    `.${basename(target.absolute)}.tagpilot-${process.pid}-${Date.now()}`,
  );
  try {
    writeFileSync(temporary, text, { mode: target.mode, flag: 'wx' });
    chmodSync(temporary, target.mode); // writeFileSync's mode is filtered by the umask
    renameSync(temporary, target.absolute);
  } catch (error: unknown) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function parseWorkloadOption(input: string): WorkloadId {
  try {
    return parseWorkloadId(input);
  } catch (error: unknown) {
    if (error instanceof WorkloadIdError) throw new UsageError(error.message);
    throw error;
  }
}

/** The slots of one workload in the file; a clear error listing the workloads that exist. */
export function workloadSlots(
  manifest: ManifestOnDisk,
  workload: WorkloadId,
): { all: readonly ImageSlot[]; mine: readonly ImageSlot[] } {
  const result = discoverFile({
    path: manifest.shown,
    oid: '',
    mode: '100644',
    bytes: Buffer.from(manifest.text, 'utf8'),
  });
  const all = result.slots;
  const mine = all.filter(
    (slot) => slot.workload !== undefined && sameWorkload(slot.workload, workload),
  );
  if (mine.length === 0) {
    const known = [
      ...new Set(
        all.flatMap((slot) =>
          slot.workload === undefined ? [] : [formatWorkloadId(slot.workload)],
        ),
      ),
    ];
    const problems = result.notes
      .filter((note) => note.severity === 'error')
      .map(
        (note) =>
          `\n  ${note.file}${note.line === undefined ? '' : `:${note.line}`}: ${note.message}`,
      )
      .join('');
    throw new EditTargetError(
      `${manifest.shown}: no workload ${formatWorkloadId(workload)}; ${
        known.length === 0
          ? 'the file holds no workloads with images'
          : `workloads here: ${known.join(', ')}`
      }${problems}`,
    );
  }
  return { all, mine };
}

interface EditImageOptions {
  readonly workload: string;
  readonly container: string;
  readonly image: string;
  readonly inPlace?: boolean;
}

export const editImageCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('edit-image')
      .description(
        "Set one container's image in a manifest file, changing nothing but that value; prints the file (or rewrites it with --in-place).",
      )
      .argument('<file>', 'YAML manifest (multi-document files and Lists included)')
      .requiredOption(
        '--workload <id>',
        'workload id <namespace>:<kind>/<name>, e.g. prod:deployment/api',
      )
      .requiredOption(
        '--container <name>',
        'container name (initContainers too; chart-image for HelmReleases)',
      )
      .requiredOption('--image <ref>', 'new image reference, e.g. ghcr.io/acme/api:1.5.0')
      .option(
        '--in-place',
        'rewrite the file (atomically, keeping its mode) instead of printing it',
      )
      .addHelpText(
        'after',
        '\nThe registry and repository keep the spelling the file uses (nginx:1.25 becomes nginx:1.27).\nExit codes: 0 edited, 1 workload/container not found or the edit was refused, 2 bad arguments.\n\nExample:\n  $ tagpilot edit-image deploy.yaml --workload prod:deployment/api --container api --image ghcr.io/acme/api:1.5.0',
      )
      .action((file: string, options: EditImageOptions) => {
        const workload = parseWorkloadOption(options.workload);
        let to: ImageRef;
        try {
          to = parseImageRef(options.image);
        } catch (error: unknown) {
          if (error instanceof ImageRefError) throw new UsageError(error.message);
          throw error;
        }
        const manifest = readManifest(file, context.io.cwd);
        const { mine } = workloadSlots(manifest, workload);
        const slot = mine.find((candidate) => candidate.container === options.container);
        if (slot === undefined) {
          const names = mine.map((candidate) => candidate.container ?? '?').join(', ');
          throw new EditTargetError(
            `${manifest.shown}: ${formatWorkloadId(workload)} has no container ${JSON.stringify(options.container)}; containers: ${names}`,
          );
        }
        const edited = applyImageEdits(manifest.text, [{ slot, to }], { file: manifest.shown });
        if (options.inPlace === true) {
          if (edited !== manifest.text) writeAtomically(manifest, edited);
        } else {
          context.io.stdout.write(edited);
        }
        setExit(EXIT.ok);
      });
  },
};
