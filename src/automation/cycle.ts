/**
 * One automation cycle (docs/automation.md, "The cycle"): sync → discover → scan → plan → edit
 * → commit → push, re-planning on the new head when the push races, and one summary.
 *
 * Idempotent: the plan is a function of the files at the remote head and the registry, so a
 * second run right after the first finds nothing to change. Restart-safe: `GitStore.sync()`
 * resets the local branch to the remote head, so a commit left unpushed by a crash is discarded
 * and re-planned, and a commit that reached the server is simply the new head.
 */
import { describeError } from '../errors/index.js';
import type { GitStore } from '../git/types.js';
import { PushRaced, PushRefused } from '../git/types.js';
import type { Logger } from '../telemetry/index.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { commitMessage, type UpdateDecision } from './message.js';
import {
  FilesAtCommit,
  runPipeline,
  type Discover,
  type PipelineResult,
  type PipelineSettings,
} from './pipeline.js';
import type { TagSource } from '../registry/types.js';
import type { CycleSummary, ScanResult, SlotDecision } from './types.js';

export interface CycleSettings extends PipelineSettings {
  /** How the repository is named in the summary (URL without credentials, or a path). */
  readonly repository: string;
  readonly maxRetries: number;
  readonly backoff: BackoffOptions;
  readonly messageTemplate?: string | undefined;
  readonly skipCi: boolean;
  /** The config key `automation.suspend`; the repository's state file can also suspend. */
  readonly suspended: boolean;
  /** False for a dry run: plan and report, never commit. */
  readonly write: boolean;
}

export interface CycleDeps {
  readonly git: GitStore;
  /** Pass one object for every cycle of a loop: files are re-read only when the head moved. */
  readonly files?: FilesAtCommit | undefined;
  readonly registry: TagSource;
  readonly discover: Discover;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface CycleResult {
  readonly summary: CycleSummary;
  /** The pipeline result the summary describes (the last attempt's). */
  readonly result: PipelineResult;
}

export async function runCycle(deps: CycleDeps, settings: CycleSettings): Promise<CycleResult> {
  const started = deps.now();
  const requestsBefore = deps.registry.stats().requests;
  const scanCache = new Map<string, ScanResult>();
  const problems: string[] = [];
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const head = await deps.git.sync();
    const result = await runPipeline(
      {
        repo: deps.git,
        files: deps.files,
        registry: deps.registry,
        discover: deps.discover,
        now: deps.now,
      },
      settings,
      head,
      scanCache,
    );
    const finish = (outcome: CycleSummary['outcome'], commit?: string): CycleResult => {
      const summary = summarize(result, {
        repository: settings.repository,
        head: commit ?? head,
        outcome,
        commit,
        suspended: isSuspended(settings, result),
        pushAttempts: settings.write ? attempt : 0,
        durationMs: deps.now() - started,
        registryRequests: deps.registry.stats().requests - requestsBefore,
        problems,
      });
      logSummary(deps.logger, summary);
      return { summary, result };
    };

    if (result.writes.length === 0) return finish('no-change');
    if (isSuspended(settings, result)) return finish('suspended');
    if (!settings.write) return finish('dry-run');

    const written = new Set(result.writes.flatMap((w) => w.edits.map((e) => e.slot)));
    const updates = result.decisions.filter(
      (d): d is UpdateDecision => d.kind === 'update' && written.has(d.slot),
    );
    const message = commitMessage(updates, {
      template: settings.messageTemplate,
      skipCi: settings.skipCi,
    });
    const oid = await deps.git.commit(
      result.writes.map((w) => ({ path: w.file.path, bytes: new TextEncoder().encode(w.after) })),
      message,
    );
    try {
      await deps.git.push();
      return finish('committed', oid);
    } catch (error: unknown) {
      if (error instanceof PushRaced) {
        if (attempt > settings.maxRetries) {
          problems.push(`push raced ${attempt} time(s); retries exhausted: ${error.message}`);
          return finish('push-failed');
        }
        const delay = backoffDelay(attempt, settings.backoff, deps.random);
        deps.logger.info(
          { attempt, delayMs: delay, remoteHead: error.remoteHead },
          'push raced: re-planning on the new head',
        );
        await deps.sleep(delay);
        continue;
      }
      if (error instanceof PushRefused) {
        problems.push(`push refused: ${describeError(error)}`);
        return finish('push-failed');
      }
      throw error;
    }
  }
}

function isSuspended(settings: CycleSettings, result: PipelineResult): boolean {
  return settings.suspended || result.state.suspend !== undefined;
}

function count(decisions: readonly SlotDecision[], kind: SlotDecision['kind']): number {
  return decisions.filter((d) => d.kind === kind).length;
}

interface SummaryFacts {
  readonly repository: string;
  readonly head: string | undefined;
  readonly outcome: CycleSummary['outcome'];
  readonly commit: string | undefined;
  readonly suspended: boolean;
  readonly pushAttempts: number;
  readonly durationMs: number;
  readonly registryRequests: number;
  readonly problems: readonly string[];
}

export function summarize(result: PipelineResult, facts: SummaryFacts): CycleSummary {
  const { decisions } = result;
  const problems = [
    ...facts.problems,
    ...(result.stateProblem === undefined ? [] : [result.stateProblem]),
    ...result.discovery.notes
      .filter((n) => n.severity === 'error')
      .map((n) => `${n.file}${n.line === undefined ? '' : `:${n.line}`}: ${n.message}`),
    ...decisions.flatMap((d) => (d.kind === 'error' ? [`${d.slot.id}: ${d.message}`] : [])),
  ];
  const written = facts.outcome === 'committed';
  return {
    repository: facts.repository,
    head: facts.head,
    slots: decisions.length,
    automated: decisions.filter((d) => d.kind !== 'ignored' && d.kind !== 'locked').length,
    updated: written ? count(decisions, 'update') : 0,
    pending: written ? 0 : count(decisions, 'update'),
    kept: count(decisions, 'keep'),
    locked: count(decisions, 'locked'),
    held: count(decisions, 'held'),
    ignored: count(decisions, 'ignored'),
    errors: count(decisions, 'error'),
    notes: result.discovery.notes.filter((n) => n.severity !== 'info').length,
    repositoriesScanned: result.scans.size,
    registryRequests: facts.registryRequests,
    pushAttempts: facts.pushAttempts,
    durationMs: facts.durationMs,
    commit: facts.commit,
    suspended: facts.suspended,
    outcome: facts.outcome,
    problems,
  };
}

function logSummary(logger: Logger, summary: CycleSummary): void {
  const { problems, ...fields } = summary;
  logger.info({ ...fields, problems: problems.length }, 'cycle');
  for (const problem of problems) logger.warn({ repository: summary.repository }, problem);
}
