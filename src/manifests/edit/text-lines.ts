/** Line arithmetic on the decoded text, aware of CRLF files. */

/** Offset of the first character of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the line break ending the line holding `offset`, or the text's length. */
export function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** The file's line break: CRLF when the line at `offset` (or else the file) uses it. */
export function lineBreakAt(text: string, offset: number): string {
  const newline = text.indexOf('\n', offset);
  if (newline > 0) return text[newline - 1] === '\r' ? '\r\n' : '\n';
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Where and what to insert so that `lines` become new lines right after the line holding
 * `offset` (a file without a final newline keeps having none).
 */
export function linesAfter(
  text: string,
  offset: number,
  lines: readonly string[],
): { at: number; text: string } {
  const eol = lineBreakAt(text, offset);
  const at = nextLineStart(text, offset);
  const endsWithBreak = at > 0 && text[at - 1] === '\n';
  return endsWithBreak
    ? { at, text: lines.map((line) => line + eol).join('') }
    : { at, text: lines.map((line) => eol + line).join('') };
}

/** The column of `offset` within its line, in characters (a BOM opening the file is not one). */
export function columnOf(text: string, offset: number): number {
  const start = lineStart(text, offset);
  const bom = start === 0 && text.startsWith('\ufeff') ? 1 : 0;
  return offset - start - bom;
}

/**
 * The offset after the line holding `offset` and after any following comment lines indented
 * deeper than `column` (YAML attaches those to the value above them, so new lines go below).
 */
export function afterTrailingComments(text: string, offset: number, column: number): number {
  let at = nextLineStart(text, offset);
  while (at < text.length) {
    const end = nextLineStart(text, at);
    const line = text.slice(at, end);
    const indent = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith('#') || indent <= column) break;
    at = end;
  }
  return at;
}
