import type { Command } from 'commander';
import { afterCycle, mayWrite, nextDelay, type BatchState } from '../automation/batch.js';
import { runCycle } from '../automation/cycle.js';
import { FilesAtCommit } from '../automation/pipeline.js';
import type { CycleSummary } from '../automation/types.js';
import {
  cycleSettings,
  discoverFor,
  openRegistry,
  openRepositoryStore,
} from '../automation/wiring.js';
import type { CommandModule } from './commands.js';
import {
  NO_OVERRIDES,
  progress,
  resolveRepo,
  repoOption,
  wiringFor,
} from './automation-support.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

/** The human form of a cycle summary: one line, then one line per problem. */
export function summaryText(s: CycleSummary): string {
  const what =
    s.outcome === 'committed'
      ? `committed ${(s.commit ?? '').slice(0, 12)}: ${s.updated} updated`
      : `${s.outcome}: ${s.pending} update(s) pending`;
  const line = `${what}, ${s.kept} kept, ${s.held} held, ${s.locked} locked, ${s.ignored} ignored, ${s.errors} error(s); ${s.repositoriesScanned} image repositories scanned with ${s.registryRequests} registry request(s) in ${s.durationMs} ms`;
  return [line, ...s.problems.map((p) => `  problem: ${p}`)].join('\n') + '\n';
}

interface RunOptions {
  readonly repo?: string;
  readonly once?: boolean;
  readonly output: OutputFormat;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Waits `ms`, or less when `stop` is aborted first. */
function pause(ms: number, stop: AbortSignal | undefined): Promise<void> {
  if (stop === undefined) return sleep(ms);
  return new Promise((done) => {
    if (stop.aborted) {
      done();
      return;
    }
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', wake);
      done();
    }, ms);
    const wake = (): void => {
      clearTimeout(timer);
      done();
    };
    stop.addEventListener('abort', wake, { once: true });
  });
}

/** 0 when the cycle had nothing to report, 1 when a slot failed or the push did not happen. */
export function exitCodeOf(summary: CycleSummary): number {
  return summary.errors > 0 || summary.outcome === 'push-failed' || summary.problems.length > 0
    ? EXIT.report
    : EXIT.ok;
}

export const runCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('run')
      .description(
        'Run the automation cycle: sync, scan, plan, commit and push. Loops every automation.interval unless --once.',
      )
      .addOption(repoOption())
      .option('--once', 'run one cycle and exit')
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nThe repository must be a Git URL (the gitdir lives under the cache directory).\nOne structured summary line per cycle goes to the log (stderr); the summary is printed on stdout.\nExit codes (--once): 0 done, 1 something to report (slot errors, registry down, push retries exhausted),\n2 usage or configuration error.\n\nExample:\n  $ tagpilot run --once --repo https://git.example/org/gitops.git',
      )
      .action(async (options: RunOptions) => {
        const { config } = context.config(NO_OVERRIDES);
        const { repo, localPath } = resolveRepo(config, context.io.cwd, options.repo);
        if (localPath !== undefined)
          throw new UsageError(
            `run pushes commits and needs a Git URL, not the local path ${localPath} (use tagpilot plan to preview a working copy)`,
          );
        const logger = context.logger();
        const wiring = wiringFor(context, config);
        const git = await openRepositoryStore(wiring, repo);
        const registry = await openRegistry(wiring);
        const deps = {
          git,
          files: new FilesAtCommit(),
          registry,
          discover: discoverFor(repo),
          logger,
          now: Date.now,
          random: Math.random,
          sleep,
        };
        const print = (summary: CycleSummary): void => {
          if (options.output === 'table') {
            context.io.stdout.write(summaryText(summary));
            return;
          }
          printResult(context.io.stdout, options.output, summary, [], []);
        };
        try {
          if (options.once === true) {
            const { summary } = await runCycle(deps, {
              ...cycleSettings(config, repo, true),
              onProgress: progress(context.io.stderr),
            });
            print(summary);
            setExit(exitCodeOf(summary));
            return;
          }
          // The loop: a batching window holds writes until the first pending update is that old.
          // SIGINT/SIGTERM end it between cycles: the cycle in hand finishes (it is idempotent and
          // restart-safe either way), then the lock and connections are released below.
          const stop = context.io.shutdownSignal?.();
          let batch: BatchState = { firstPending: undefined };
          const window = config.automation.batchWindow;
          while (stop?.aborted !== true) {
            registry.newCycle();
            try {
              const write = mayWrite(batch, window, Date.now());
              const { summary } = await runCycle(deps, cycleSettings(config, repo, write));
              batch = afterCycle(batch, summary.outcome, Date.now());
            } catch (error: unknown) {
              // A failed cycle (Git unreachable, ...) is logged; the next interval tries again.
              logger.error({ err: error }, 'cycle failed');
            }
            await pause(nextDelay(batch, window, config.automation.interval, Date.now()), stop);
          }
          logger.info('stopped on request');
          setExit(EXIT.ok);
        } finally {
          await registry.close();
          await git.close();
        }
      });
  },
};
