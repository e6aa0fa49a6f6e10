/**
 * A stand-in for the controller's status (issue 10) until `tagpilot controller` lands: real
 * cycles (`tagpilot run --once`) and real plans (`tagpilot plan`, `tagpilot explain`) against the
 * real registry and Git server of a World, turned into a `tagpilot.status/v1` report and checked
 * against the schema. Nothing in the report is written by hand. The browser tests switch to the
 * controller's own report when it lands.
 */
import assert from 'node:assert/strict';
import type { World } from '../../e2e/harness.js';
import {
  STATUS_API_VERSION,
  statusReportSchema,
  type CommitStatus,
  type CycleStatus,
  type StatusReport,
  type WorkloadStatus,
} from '../../../src/server/index.js';
import type { CycleTrigger } from '../../../src/telemetry/metrics-labels.js';
import { gitCli } from '../git/repos.js';

interface PlanRow {
  readonly slot: string;
  readonly file: string;
  readonly line: number;
  readonly current: string;
  readonly policy: string | null;
  readonly decision: string;
  readonly next: string | null;
  readonly reason: string;
}

interface RunSummary {
  readonly outcome: string;
  readonly commit?: string;
  readonly durationMs: number;
  readonly slots: number;
  readonly updated: number;
  readonly registryRequests: number;
  readonly problems: readonly string[];
}

const RESULTS: Readonly<Record<string, CycleStatus['result']>> = {
  committed: 'committed',
  'no-change': 'unchanged',
  suspended: 'skipped',
  'dry-run': 'unchanged',
  'push-failed': 'failed',
};

/** `registry/repo:tag` (or `@digest`) → image and tag. */
function splitReference(reference: string): { image: string; tag: string | null } {
  const at = reference.indexOf('@');
  const withoutDigest = at < 0 ? reference : reference.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const slash = withoutDigest.lastIndexOf('/');
  return colon > slash
    ? { image: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) }
    : { image: withoutDigest, tag: null };
}

/** `<namespace>:<kind>/<name>/<container>` → its parts (field slots keep the id whole). */
function splitSlot(slot: string): {
  workload: string;
  namespace: string | null;
  container: string | null;
} {
  if (slot.includes('#')) return { workload: slot, namespace: null, container: null };
  const last = slot.lastIndexOf('/');
  const workload = slot.slice(0, last);
  const colon = workload.indexOf(':');
  return {
    workload,
    namespace: colon < 0 ? null : workload.slice(0, colon),
    container: slot.slice(last + 1),
  };
}

function stateOf(decision: string): WorkloadStatus['state'] {
  switch (decision) {
    case 'keep':
      return 'automated';
    case 'held':
    case 'locked':
    case 'ignored':
    case 'error':
      return decision;
    default:
      return 'pending';
  }
}

export class CycleStatusSource {
  readonly #world: World;
  readonly #name: string;
  readonly #startedAt = new Date().toISOString();
  readonly #cycles: CycleStatus[] = [];
  readonly #latency = new Map<string, number>();
  #report: StatusReport | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(world: World, name: string) {
    this.#world = world;
    this.#name = name;
  }

  /** The last report built (after `refresh()` or a cycle). */
  report(): StatusReport {
    assert.ok(this.#report, 'refresh() before asking for the report');
    return { ...this.#report, generatedAt: new Date().toISOString() };
  }

  /** Runs one real cycle (serialised with any running one), then rebuilds the report. */
  cycle(trigger: CycleTrigger, receivedAt?: number): Promise<void> {
    const next = this.#running.then(() => this.#cycle(trigger, receivedAt));
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #cycle(trigger: CycleTrigger, receivedAt: number | undefined): Promise<void> {
    const startedAt = new Date();
    const run = await this.#world.cli(['run', '--once', '-o', 'json']);
    assert.ok(run.code === 0 || run.code === 1, `run --once failed: ${run.stderr}`);
    const summary = JSON.parse(run.stdout) as RunSummary;
    const finishedAt = new Date();
    if (summary.commit !== undefined && receivedAt !== undefined)
      this.#latency.set(summary.commit, finishedAt.getTime() - receivedAt);
    this.#cycles.unshift({
      trigger,
      result: RESULTS[summary.outcome] ?? 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: summary.durationMs,
      workloads: summary.slots,
      updates: summary.updated,
      commit: summary.commit ?? null,
      registryRequests: summary.registryRequests,
      problems: summary.problems.map((message) => ({
        code: 'CYCLE_PROBLEM',
        message,
        transient: false,
        at: finishedAt.toISOString(),
      })),
    });
    await this.refresh();
  }

  /** Plans (without writing) and explains every slot, as the controller reports them. */
  async refresh(): Promise<void> {
    const plan = await this.#world.cli(['plan', '-o', 'json']);
    assert.ok(plan.code === 0 || plan.code === 3, `plan failed: ${plan.stderr}`);
    const rows = (JSON.parse(plan.stdout) as { decisions: PlanRow[] }).decisions;
    const workloads: WorkloadStatus[] = [];
    for (const row of rows) workloads.push(await this.#workload(row));
    const commits = await this.#commits();
    const last = this.#cycles.find((c) => c.result !== 'failed');
    const today = new Date().toISOString().slice(0, 10);
    const report: StatusReport = {
      apiVersion: STATUS_API_VERSION,
      generatedAt: new Date().toISOString(),
      controller: {
        version: '0.1.0',
        startedAt: this.#startedAt,
        replica: null,
        coordination: 'none',
        ready: this.#cycles.length > 0,
        shuttingDown: false,
      },
      repositories: [
        {
          name: this.#name,
          url: this.#world.url,
          branch: 'main',
          pushBranch: null,
          owned: true,
          state: 'idle',
          suspended: false,
          lastSuccessAt: last?.finishedAt ?? null,
          nextDueAt: new Date(Date.now() + 5 * 60_000).toISOString(),
          pending: [],
          cycles: this.#cycles.slice(0, 20),
          commits,
          updatesToday: commits.filter((c) => c.at.startsWith(today)).length,
          updatesThisWeek: commits.length,
          problems: this.#cycles[0]?.problems ?? [],
          workloads,
        },
      ],
      registries: [
        {
          host: this.#world.host,
          requests: this.#cycles.reduce((sum, c) => sum + c.registryRequests, 0),
          notModified: 0,
          throttled: 0,
          quotaRemaining: null,
          lastError: null,
        },
      ],
    };
    this.#report = statusReportSchema.parse(report);
  }

  async #workload(row: PlanRow): Promise<WorkloadStatus> {
    const { workload, namespace, container } = splitSlot(row.slot);
    const current = splitReference(row.current);
    const args =
      container === null ? ['explain', workload] : ['explain', workload, '--container', container];
    const explain = await this.#world.cli(args);
    const state = stateOf(row.decision);
    const lock = /^locked(?: by (.*?))?(?:: (.*))?$/s.exec(row.reason);
    return {
      slot: row.slot,
      workload,
      namespace,
      container,
      file: row.file,
      line: row.line,
      image: current.image,
      policy: row.policy,
      currentTag: current.tag,
      bestTag: row.next === null ? current.tag : splitReference(row.next).tag,
      state,
      hold:
        state === 'held'
          ? { commit: await this.#lastTagpilotCommit(row.file), reason: row.reason }
          : null,
      lock: state === 'locked' ? { by: lock?.[1] ?? null, reason: lock?.[2] ?? null } : null,
      error: state === 'error' ? row.reason : null,
      explain: explain.stdout,
    };
  }

  /** The person's commit that rolled back tagpilot's last change to `file`. */
  async #lastTagpilotCommit(file: string): Promise<string> {
    const out = await gitCli(['log', '-1', '--format=%H', 'main', '--', file], this.#world.bare);
    return out.trim();
  }

  async #commits(): Promise<CommitStatus[]> {
    const out = await gitCli(
      ['log', '-20', '--grep', 'Tagpilot-Update', '--format=%H%x09%cI%x09%s', 'main'],
      this.#world.bare,
    );
    return out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', at = '', subject = ''] = line.split('\t');
        return {
          sha,
          at: new Date(at).toISOString(),
          subject,
          url: null,
          latencyMs: this.#latency.get(sha) ?? null,
        };
      });
  }
}
