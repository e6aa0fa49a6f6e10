import type { Command } from 'commander';
import { unifiedDiff } from '../automation/diff.js';
import type { CommandModule } from './commands.js';
import { openForReading, planOnce, repoOption } from './automation-support.js';
import { DECISION_COLUMNS, decisionRow } from './decision-view.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

interface PlanOptions {
  readonly repo?: string;
  readonly exitCode?: boolean;
  readonly output: OutputFormat;
}

export const planCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('plan')
      .description(
        'Dry run: what the next cycle would change and why, as decisions and a unified diff. Writes nothing.',
      )
      .addOption(repoOption())
      .option('--exit-code', 'exit 3 when changes are pending (like git diff --exit-code)')
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 nothing to report, 1 some slots failed (registry, policy, manifest),\n2 usage or configuration error, 3 changes pending (with --exit-code).\n\nExamples:\n  $ tagpilot plan --repo ./gitops\n  $ tagpilot plan --exit-code -o json',
      )
      .action(async (options: PlanOptions) => {
        const opened = await openForReading(context, options.repo);
        try {
          const result = await planOnce(context, opened);
          const rows = result.decisions.map(decisionRow);
          const diff = result.writes
            .map((w) => unifiedDiff(w.file.path, w.before, w.after))
            .join('');
          const notes = result.discovery.notes.filter((n) => n.severity !== 'info');
          const out = context.io.stdout;
          if (options.output === 'table') {
            printResult(out, 'table', null, rows, DECISION_COLUMNS);
            for (const note of notes)
              out.write(
                `${note.severity}: ${note.file}${note.line === undefined ? '' : `:${note.line}`}: ${note.message}\n`,
              );
            if (result.stateProblem !== undefined) out.write(`error: ${result.stateProblem}\n`);
            if (result.state.suspend !== undefined || opened.config.automation.suspend)
              out.write('automation is suspended: `tagpilot run` would write nothing\n');
            out.write(diff === '' ? '\nno changes\n' : `\n${diff}`);
          } else {
            printResult(
              out,
              options.output,
              { head: opened.head ?? null, decisions: rows, notes, diff },
              [],
              [],
            );
          }
          const errors =
            rows.some((r) => r.decision === 'error') || notes.some((n) => n.severity === 'error');
          if (options.exitCode === true && result.writes.length > 0) setExit(EXIT.pending);
          else setExit(errors ? EXIT.report : EXIT.ok);
        } finally {
          await opened.close();
        }
      });
  },
};
