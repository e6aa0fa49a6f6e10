/**
 * A unified diff of one edited file, for `tagpilot plan`. Image and annotation edits splice
 * scalars inside lines; image edits never add or remove lines, so lines are compared by
 * position, and anything else (an annotation edit adding a line) falls back to a plain
 * longest-common-subsequence diff, which is fine at manifest sizes.
 */
const CONTEXT = 3;

type Op = {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  readonly a: number;
  readonly b: number;
};

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function operations(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length === b.length) {
    const ops: Op[] = [];
    a.forEach((line, i) => {
      const other = b[i] ?? '';
      if (line === other) ops.push({ kind: ' ', text: line, a: i, b: i });
      else ops.push({ kind: '-', text: line, a: i, b: i }, { kind: '+', text: other, a: i, b: i });
    });
    return ops;
  }
  // LCS table, O(n·m): manifests are small, and this path is only for line-count changes.
  const n = a.length;
  const m = b.length;
  const table = new Int32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => table[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i -= 1)
    for (let j = m - 1; j >= 0; j -= 1)
      table[i * (m + 1) + j] =
        a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', a: i, b: j });
      i += 1;
      j += 1;
    } else if (j < m && (i === n || at(i, j + 1) >= at(i + 1, j))) {
      ops.push({ kind: '+', text: b[j] ?? '', a: i, b: j });
      j += 1;
    } else {
      ops.push({ kind: '-', text: a[i] ?? '', a: i, b: j });
      i += 1;
    }
  }
  return ops;
}

/** `git diff`-style output with `a/` and `b/` prefixes; empty when the texts are equal. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const ops = operations(splitLines(before), splitLines(after));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((i) => i >= 0);
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT);
    const end = Math.min(ops.length - 1, index + CONTEXT);
    const last = hunks[hunks.length - 1];
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1);
    const aLines = slice.filter((op) => op.kind !== '+');
    const bLines = slice.filter((op) => op.kind !== '-');
    const aStart = (aLines[0]?.a ?? 0) + (aLines.length === 0 ? 0 : 1);
    const bStart = (bLines[0]?.b ?? 0) + (bLines.length === 0 ? 0 : 1);
    out.push(`@@ -${aStart},${aLines.length} +${bStart},${bLines.length} @@`);
    for (const op of slice) out.push(`${op.kind}${op.text}`);
  }
  return `${out.join('\n')}\n`;
}
