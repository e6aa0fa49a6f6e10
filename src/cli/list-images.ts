import type { Command } from 'commander';
import { canonicalName, formatImageRef } from '../image/index.js';
import { accepts, compareTags, PolicyError } from '../policy/index.js';
import type { CommandModule } from './commands.js';
import { decisionsOf, openForReading, planOnce, repoOption } from './automation-support.js';
import { decisionRow } from './decision-view.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

interface ListImagesOptions {
  readonly repo?: string;
  readonly limit: string;
  readonly output: OutputFormat;
}

interface ImageRow {
  readonly container: string;
  readonly current: string;
  readonly decision: string;
  readonly next: string | null;
  /** Tags the policy accepts, best first (all tags, newest-looking first, when not automated). */
  readonly available: string[];
}

export const listImagesCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('list-images')
      .description(
        "List a workload's containers: current image, the tags available under its policy (best first) and what the next cycle would do.",
      )
      .argument(
        '<workload>',
        'workload id <namespace>:<kind>/<name>, or a field slot <file>#<yaml path>',
      )
      .option('--limit <n>', 'how many available tags to show per container', '10')
      .addOption(repoOption())
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 listed, 1 a container has an error (registry, policy), 2 unknown workload or bad usage.\n\nExample:\n  $ tagpilot list-images prod:deployment/api',
      )
      .action(async (workload: string, options: ListImagesOptions) => {
        const limit = Math.max(1, Number.parseInt(options.limit, 10) || 10);
        const opened = await openForReading(context, options.repo);
        try {
          const result = await planOnce(context, opened);
          const rows: ImageRow[] = decisionsOf(
            result,
            workload,
            opened.resolved.repo.defaultNamespace,
          ).map((d) => {
            const scan = result.scans.get(canonicalName(d.slot.current));
            const cp = d.slot.policy instanceof PolicyError ? undefined : d.slot.policy;
            let available: string[] = [];
            if (scan?.ok === true && cp !== undefined) {
              const times = new Map(
                scan.candidates.map((c) => [c.tag, c.pushed ?? c.created ?? 0]),
              );
              available = scan.candidates
                .map((c) => c.tag)
                .filter((tag) => accepts(cp.policy, tag))
                .sort((a, b) => compareTags(cp.policy, b, a, { times }))
                .slice(0, limit);
            }
            const row = decisionRow(d);
            return {
              container: d.slot.container ?? d.slot.id,
              current: formatImageRef(d.slot.current),
              decision: row.decision,
              next: row.next,
              available,
            };
          });
          printResult(context.io.stdout, options.output, rows, rows, [
            { header: 'container', value: (r) => r.container },
            { header: 'current', value: (r) => r.current },
            { header: 'decision', value: (r) => r.decision },
            { header: 'new', value: (r) => r.next ?? '-' },
            { header: 'available', value: (r) => r.available.join(', ') || '-' },
          ]);
          setExit(rows.some((r) => r.decision === 'error') ? EXIT.report : EXIT.ok);
        } finally {
          await opened.close();
        }
      });
  },
};
