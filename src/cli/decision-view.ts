/** Rows for printing slot decisions (plan, list-images, explain): one shape for every format. */
import { formatImageRef } from '../image/index.js';
import { PolicyError } from '../policy/index.js';
import type { SlotDecision } from '../automation/types.js';
import type { Column } from './output.js';

export interface DecisionRow {
  readonly slot: string;
  readonly file: string;
  readonly line: number;
  readonly decision: string;
  readonly current: string;
  readonly next: string | null;
  readonly policy: string | null;
  readonly reason: string;
}

export function decisionRow(d: SlotDecision): DecisionRow {
  const policy =
    d.slot.policy === undefined || d.slot.policy instanceof PolicyError
      ? null
      : d.slot.policy.policy.source;
  const base = {
    slot: d.slot.id,
    file: d.slot.file,
    line: d.slot.line,
    current: formatImageRef(d.slot.current),
    policy,
  };
  switch (d.kind) {
    case 'update':
      return {
        ...base,
        decision: d.change === 'update' ? 'update' : d.change,
        next: formatImageRef(d.to),
        reason: d.reason.text,
      };
    case 'keep':
      return { ...base, decision: 'keep', next: null, reason: d.reason.text };
    case 'held':
      return { ...base, decision: 'held', next: null, reason: d.reason.text };
    case 'locked':
      return {
        ...base,
        decision: 'locked',
        next: null,
        reason: `locked${d.by === undefined ? '' : ` by ${d.by}`}${d.message === undefined ? '' : `: ${d.message}`}`,
      };
    case 'ignored':
      return { ...base, decision: 'ignored', next: null, reason: d.why };
    case 'error':
      return { ...base, decision: 'error', next: null, reason: `${d.code}: ${d.message}` };
  }
}

export const DECISION_COLUMNS: readonly Column<DecisionRow>[] = [
  { header: 'slot', value: (r) => r.slot },
  { header: 'decision', value: (r) => r.decision },
  { header: 'current', value: (r) => r.current },
  { header: 'new', value: (r) => r.next ?? '-' },
  { header: 'reason', value: (r) => r.reason },
];
