import type { Command } from 'commander';
import { canonicalName, formatImageRef } from '../image/index.js';
import { accepts, compareTags, describeRule, PolicyError } from '../policy/index.js';
import type { SlotDecision } from '../automation/types.js';
import type { CommandModule } from './commands.js';
import { decisionsOf, openForReading, planOnce, repoOption } from './automation-support.js';
import { decisionRow } from './decision-view.js';
import { EXIT } from './exit-codes.js';
import { outputOption, type OutputFormat } from './output.js';
import { stringify } from 'yaml';

interface ExplainOptions {
  readonly repo?: string;
  readonly container?: string;
  readonly output: OutputFormat;
}

/** How many accepted candidates `explain` lists, best first. */
const SHOWN = 10;

export const explainCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('explain')
      .description(
        'Explain the decision for a workload: its policy, the candidate tags seen, the winner and runner-up, and why.',
      )
      .argument(
        '<workload>',
        'workload id <namespace>:<kind>/<name>, or a field slot <file>#<yaml path>',
      )
      .option('--container <name>', 'only this container')
      .addOption(repoOption())
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 explained, 1 a slot of the workload has an error, 2 unknown workload or bad usage.\n\nExample:\n  $ tagpilot explain prod:deployment/api --container api',
      )
      .action(async (workload: string, options: ExplainOptions) => {
        const opened = await openForReading(context, options.repo);
        try {
          const result = await planOnce(context, opened);
          const explained = decisionsOf(
            result,
            workload,
            opened.resolved.repo.defaultNamespace,
            options.container,
          ).map((d) => explainOne(d, result.scans));
          if (options.output === 'table')
            context.io.stdout.write(explained.map(humanText).join('\n'));
          else if (options.output === 'json')
            context.io.stdout.write(`${JSON.stringify(explained, null, 2)}\n`);
          else context.io.stdout.write(stringify(explained));
          setExit(explained.some((e) => e.decision === 'error') ? EXIT.report : EXIT.ok);
        } finally {
          await opened.close();
        }
      });
  },
};

interface Explained {
  readonly slot: string;
  readonly file: string;
  readonly line: number;
  readonly current: string;
  readonly decision: string;
  readonly next: string | null;
  readonly policy: string | null;
  readonly rule: string | null;
  readonly semantics: string | null;
  readonly annotation: string | null;
  readonly defaultPolicy: boolean;
  readonly pinDigest: boolean;
  readonly candidates: { readonly seen: number; readonly matched: number; readonly best: string[] };
  readonly winner: string | null;
  readonly runnerUp: string | null;
  readonly heldBelow: string | null;
  readonly reason: string;
}

function explainOne(
  d: SlotDecision,
  scans: ReadonlyMap<string, import('../automation/types.js').ScanResult>,
): Explained {
  const row = decisionRow(d);
  const cp = d.slot.policy instanceof PolicyError ? undefined : d.slot.policy;
  const scan = scans.get(canonicalName(d.slot.current));
  let best: string[] = [];
  let seen = 0;
  let matched = 0;
  if (cp !== undefined && scan?.ok === true) {
    seen = scan.candidates.length;
    const times = new Map(scan.candidates.map((c) => [c.tag, c.pushed ?? c.created ?? 0]));
    const accepted = scan.candidates.filter((c) => accepts(cp.policy, c.tag)).map((c) => c.tag);
    matched = accepted.length;
    best = accepted
      .sort((a, b) => compareTags(cp.policy, b, a, { current: d.slot.current.tag, times }))
      .slice(0, SHOWN);
  }
  const reason = 'reason' in d ? d.reason : undefined;
  return {
    slot: d.slot.id,
    file: d.slot.file,
    line: d.slot.line,
    current: formatImageRef(d.slot.current),
    decision: row.decision,
    next: row.next,
    policy: cp?.policy.source ?? null,
    rule: cp === undefined ? null : describeRule(cp.policy),
    semantics: cp?.policy.semantics ?? null,
    annotation: cp?.key ?? null,
    defaultPolicy: cp?.policy.isDefault ?? false,
    pinDigest: cp?.pinDigest ?? false,
    candidates: { seen, matched, best },
    winner: reason?.winner ?? null,
    runnerUp: reason?.runnerUp ?? null,
    heldBelow:
      d.kind === 'held' ? d.heldBelow : d.kind === 'update' ? (d.releasedHold ?? null) : null,
    reason: row.reason,
  };
}

function humanText(e: Explained): string {
  const lines = [
    `${e.slot}  (${e.file}:${e.line})`,
    `  current:    ${e.current}`,
    `  policy:     ${e.policy ?? '(none: not automated)'}${e.annotation === null ? (e.defaultPolicy ? ' (default: automated without a tag policy)' : '') : ` from ${e.annotation}`}`,
  ];
  if (e.rule !== null) lines.push(`  rule:       ${e.rule} [${e.semantics ?? ''} semantics]`);
  if (e.pinDigest) lines.push('  digest:     pinned (tag@digest)');
  lines.push(
    `  candidates: ${e.candidates.seen} tag(s) seen, ${e.candidates.matched} accepted${e.candidates.best.length > 0 ? `; best first: ${e.candidates.best.join(', ')}` : ''}`,
  );
  if (e.winner !== null) lines.push(`  winner:     ${e.winner}`);
  if (e.runnerUp !== null) lines.push(`  runner-up:  ${e.runnerUp}`);
  if (e.heldBelow !== null)
    lines.push(
      `  hold:       rolled back from ${e.heldBelow}; only newer tags are chosen (release: tagpilot policy --unlock)`,
    );
  lines.push(
    `  decision:   ${e.decision}${e.next === null ? '' : ` -> ${e.next}`}`,
    `  why:        ${e.reason}`,
    '',
  );
  return lines.join('\n');
}
