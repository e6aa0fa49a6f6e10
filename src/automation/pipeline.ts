/**
 * The read-only half of a cycle, shared by `plan`, `explain`, `list-*` and `run`: read the files
 * at a commit, discover slots, scan, plan (with digests and holds), and prepare verified file
 * contents. Nothing here writes to Git.
 */
import { describeError, TagpilotError } from '../errors/index.js';
import type { CommitInfo, GitFile, LogOptions } from '../git/types.js';
import { applyImageEdits } from '../manifests/edit/index.js';
import type { DiscoveryResult, ImageEdit, ImageSlot, ManifestFile } from '../manifests/types.js';
import type { TagSource } from '../registry/types.js';
import { findLastWrites } from './holds.js';
import { isScanned, plan, type SelectFn } from './plan.js';
import { repositoriesToScan, scanRepositories } from './scan.js';
import { parseState, STATE_FILE, type RepoState } from './state.js';
import type { Plan, ScanResult, SlotDecision } from './types.js';

/** What the pipeline reads from a repository: a GitStore, or a local working copy read in place. */
export interface RepoReader {
  readFiles(paths: readonly string[], commit?: string): Promise<readonly GitFile[]>;
  readFileAt(path: string, commit: string): Promise<GitFile | undefined>;
  log(path: string, options: LogOptions): Promise<readonly CommitInfo[]>;
}

export type Discover = (
  files: readonly ManifestFile[],
) => DiscoveryResult | Promise<DiscoveryResult>;

export interface PipelineSettings {
  readonly paths: readonly string[];
  readonly minTagAgeMs: number;
  readonly metadataBudget: number;
  readonly holdDepth: number;
  readonly scanConcurrency: number;
  readonly onProgress?: ((done: number, total: number, name: string) => void) | undefined;
  readonly select?: SelectFn | undefined;
}

/**
 * The files read at the last commit: a loop whose remote head has not moved reuses them instead
 * of reading every blob again (the Git layer's reads dominate a quiet cycle's time).
 */
export class FilesAtCommit {
  #commit: string | undefined;
  #paths = '';
  #files: readonly GitFile[] = [];

  async read(
    repo: RepoReader,
    paths: readonly string[],
    commit: string | undefined,
  ): Promise<readonly GitFile[]> {
    const key = paths.join('\0');
    if (commit !== undefined && commit === this.#commit && key === this.#paths) return this.#files;
    const files = await repo.readFiles(paths, commit);
    if (commit !== undefined) {
      this.#commit = commit;
      this.#paths = key;
      this.#files = files;
    }
    return files;
  }
}

export interface PipelineDeps {
  /** Reuse of the files between cycles at the same commit (optional). */
  readonly files?: FilesAtCommit | undefined;
  readonly repo: RepoReader;
  readonly registry: TagSource;
  readonly discover: Discover;
  readonly now: () => number;
}

/** One file to write: the verified new text and the slots it updates. */
export interface PreparedWrite {
  readonly file: GitFile;
  readonly before: string;
  readonly after: string;
  readonly edits: readonly ImageEdit[];
}

export interface PipelineResult {
  readonly commit: string | undefined;
  readonly discovery: DiscoveryResult;
  readonly scans: ReadonlyMap<string, ScanResult>;
  readonly state: RepoState;
  /** A malformed state file, reported (it suspends nothing). */
  readonly stateProblem: string | undefined;
  readonly plan: Plan;
  /** Decisions after editing: a slot whose file could not be edited becomes an error. */
  readonly decisions: readonly SlotDecision[];
  readonly writes: readonly PreparedWrite[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export async function runPipeline(
  deps: PipelineDeps,
  settings: PipelineSettings,
  commit: string | undefined,
  scanCache: Map<string, ScanResult> = new Map(),
): Promise<PipelineResult> {
  // Git paths are relative without `.` parts: the repository root is ''.
  const paths = settings.paths.map((p) => p.replace(/^\.(\/|$)/, '').replace(/\/+$/, ''));
  const files = await (deps.files ?? new FilesAtCommit()).read(deps.repo, paths, commit);
  const discovery = await deps.discover(files);
  let state: RepoState = {};
  let stateProblem: string | undefined;
  try {
    const stateFile = await deps.repo.readFileAt(STATE_FILE, commit ?? 'HEAD');
    state = parseState(stateFile === undefined ? undefined : decoder.decode(stateFile.bytes));
  } catch (error: unknown) {
    if (!(error instanceof TagpilotError)) throw error;
    stateProblem = error.message;
  }

  const scans = await scanRepositories(
    deps.registry,
    repositoriesToScan(discovery.slots),
    scanCache,
    {
      metadataBudget: settings.metadataBudget,
      needPushTimes: settings.minTagAgeMs > 0,
      concurrency: settings.scanConcurrency,
      onProgress: settings.onProgress,
    },
  );

  const digests = new Map<string, string>();
  const digestErrors = new Map<string, string>();
  const releasedHolds = new Map(Object.entries(state.releasedHolds ?? {}));
  const base = {
    slots: discovery.slots,
    scans,
    digests,
    releasedHolds,
    now: deps.now(),
    minTagAgeMs: settings.minTagAgeMs,
    select: settings.select,
  };
  let result = await withDigests(deps.registry, base, digests, digestErrors);
  // Holds matter only for slots that would change: read history for those alone, so a cycle
  // with nothing new costs no history walk at all.
  const changing = result.decisions
    .filter((d) => d.kind === 'update' && isScanned(d.slot))
    .map((d) => d.slot);
  if (changing.length > 0) {
    const lastWrites = await findLastWrites(deps.repo, changing, settings.holdDepth);
    if (lastWrites.size > 0)
      result = await withDigests(deps.registry, { ...base, lastWrites }, digests, digestErrors);
  }
  const finalPlan: Plan = {
    ...result,
    decisions: result.decisions.map((d) => {
      if (d.kind !== 'error' || d.code !== 'DIGEST_UNKNOWN') return d;
      const why = [...digestErrors].find(([key]) => d.message.includes(key))?.[1];
      return why === undefined ? d : { ...d, code: 'DIGEST_FAILED', message: why };
    }),
  };
  const { decisions, writes } = prepareWrites(finalPlan, files);
  return {
    commit,
    discovery,
    scans,
    state,
    stateProblem,
    plan: finalPlan,
    decisions,
    writes,
  };
}

type PlanArgs = Parameters<typeof plan>[0];

/** Plans, fetches the digests the plan asks for, and plans again (at most twice). */
async function withDigests(
  registry: TagSource,
  input: PlanArgs,
  digests: Map<string, string>,
  errors: Map<string, string>,
): Promise<Plan> {
  let result = plan(input);
  for (let round = 0; round < 2 && result.digestsWanted.length > 0; round += 1) {
    let fetched = 0;
    for (const want of result.digestsWanted) {
      if (errors.has(want.key)) continue;
      try {
        digests.set(want.key, await registry.digest(want.image));
        fetched += 1;
      } catch (error: unknown) {
        errors.set(want.key, `digest of ${want.key}: ${describeError(error)}`);
      }
    }
    if (fetched === 0) break;
    result = plan(input);
  }
  return result;
}

/**
 * Applies each file's edits (verified by the editor's re-parse). A file that cannot be edited
 * exactly is left alone and its slots become errors; the other files still go ahead.
 */
function prepareWrites(
  planned: Plan,
  files: readonly GitFile[],
): { decisions: SlotDecision[]; writes: PreparedWrite[] } {
  const byFile = new Map<string, ImageEdit[]>();
  for (const edit of planned.edits) {
    const list = byFile.get(edit.slot.file) ?? [];
    list.push(edit);
    byFile.set(edit.slot.file, list);
  }
  const failed = new Map<ImageSlot, string>();
  const writes: PreparedWrite[] = [];
  for (const [path, edits] of byFile) {
    const file = files.find((f) => f.path === path);
    try {
      if (file === undefined) throw new Error(`${path} is not among the files read`);
      const before = decoder.decode(file.bytes);
      const after = applyImageEdits(before, edits, { file: path });
      if (after !== before) writes.push({ file, before, after, edits });
    } catch (error: unknown) {
      for (const edit of edits) failed.set(edit.slot, describeError(error));
    }
  }
  const decisions = planned.decisions.map((d): SlotDecision => {
    const why = failed.get(d.slot);
    return why === undefined
      ? d
      : { kind: 'error', slot: d.slot, code: 'EDIT_FAILED', message: why };
  });
  return { decisions, writes };
}
