/** Replacing character ranges of a text: the only way the editor changes a file. */
export interface Splice {
  /** Character offsets [start, end) into the original text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping splices (any order) to `text`. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const splice of sorted) {
    out += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  return out + text.slice(at);
}

/** The first pair of splices that overlap (touching ends are fine), if any. */
export function findOverlap(splices: readonly Splice[]): readonly [Splice, Splice] | undefined {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous !== undefined && current !== undefined && current.start < previous.end)
      return [previous, current];
    if (previous !== undefined && current !== undefined && current.start === previous.start)
      return [previous, current];
  }
  return undefined;
}
