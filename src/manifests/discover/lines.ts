/** Offsets to 1-based line and column numbers, for messages (CRLF counts as one line break). */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly source: string) {}

  /** 1-based line of a character offset. */
  line(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based column of a character offset. */
  column(offset: number): number {
    return offset - (this.lineStarts()[this.line(offset) - 1] ?? 0) + 1;
  }

  /** Offset of the end of the line holding `offset` (before `\r\n` or `\n`). */
  lineEnd(offset: number): number {
    const next = this.source.indexOf('\n', offset);
    const end = next === -1 ? this.source.length : next;
    return end > 0 && this.source[end - 1] === '\r' ? end - 1 : end;
  }

  private lineStarts(): number[] {
    if (this.starts !== undefined) return this.starts;
    const starts = [0];
    for (let i = this.source.indexOf('\n'); i !== -1; i = this.source.indexOf('\n', i + 1))
      starts.push(i + 1);
    this.starts = starts;
    return starts;
  }
}
