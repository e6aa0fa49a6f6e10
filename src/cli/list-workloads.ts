import type { Command } from 'commander';
import { discoverFor } from '../automation/wiring.js';
import { formatImageRef } from '../image/index.js';
import { formatWorkloadId, PolicyError } from '../policy/index.js';
import type { ImageSlot } from '../manifests/types.js';
import type { CommandModule } from './commands.js';
import { openForReading, repoOption } from './automation-support.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

interface ListOptions {
  readonly repo?: string;
  readonly output: OutputFormat;
}

interface WorkloadRow {
  readonly workload: string;
  readonly container: string;
  readonly image: string;
  readonly status: 'automated' | 'locked' | 'ignored' | 'manual' | 'error';
  readonly policy: string | null;
  readonly file: string;
}

export function statusOf(slot: ImageSlot): WorkloadRow['status'] {
  const w = slot.workloadPolicy;
  if (w !== undefined && w.ignored !== false) return 'ignored';
  if (w?.locked === true) return 'locked';
  if (slot.policy instanceof PolicyError) return 'error';
  return slot.policy === undefined ? 'manual' : 'automated';
}

export const listWorkloadsCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('list-workloads')
      .description(
        'List the workloads (and other image slots) in the repository: container, current image, and whether automated, locked or ignored. No registry requests.',
      )
      .addOption(repoOption())
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 listed, 1 some manifests or policies have errors (listed too), 2 usage or configuration error.\n\nExample:\n  $ tagpilot list-workloads --repo ./gitops -o json',
      )
      .action(async (options: ListOptions) => {
        const opened = await openForReading(context, options.repo);
        try {
          // Discovery only: an empty scan list makes the pipeline skip the registry entirely.
          const files = await opened.reader.readFiles(
            opened.resolved.repo.paths.map((p) => p.replace(/^\.(\/|$)/, '').replace(/\/+$/, '')),
            opened.head,
          );
          const discovery = await discoverFor(opened.resolved.repo)(files);
          const rows: WorkloadRow[] = discovery.slots.map((slot) => ({
            workload: slot.workload === undefined ? slot.id : formatWorkloadId(slot.workload),
            container: slot.container ?? '-',
            image: formatImageRef(slot.current),
            status: statusOf(slot),
            policy:
              slot.policy === undefined
                ? null
                : slot.policy instanceof PolicyError
                  ? slot.policy.message
                  : slot.policy.policy.source,
            file: `${slot.file}:${slot.line}`,
          }));
          const notes = discovery.notes.filter((n) => n.severity !== 'info');
          printResult(context.io.stdout, options.output, { workloads: rows, notes }, rows, [
            { header: 'workload', value: (r) => r.workload },
            { header: 'container', value: (r) => r.container },
            { header: 'image', value: (r) => r.image },
            { header: 'status', value: (r) => r.status },
            { header: 'policy', value: (r) => r.policy ?? '-' },
          ]);
          if (options.output === 'table')
            for (const n of notes)
              context.io.stdout.write(
                `${n.severity}: ${n.file}${n.line === undefined ? '' : `:${n.line}`}: ${n.message}\n`,
              );
          const bad =
            rows.some((r) => r.status === 'error') || notes.some((n) => n.severity === 'error');
          setExit(bad ? EXIT.report : EXIT.ok);
        } finally {
          await opened.close();
        }
      });
  },
};
