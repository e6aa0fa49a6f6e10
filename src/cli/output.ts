/**
 * `-o/--output json|yaml|table`, spelled the same in every command that lists something.
 */
import { Option } from 'commander';
import { stringify } from 'yaml';
import type { Output } from './context.js';

export type OutputFormat = 'json' | 'yaml' | 'table';

export function outputOption(defaultFormat: OutputFormat = 'table'): Option {
  return new Option('-o, --output <format>', 'output format')
    .choices(['json', 'yaml', 'table'])
    .default(defaultFormat);
}

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
}

/** Writes `data` as JSON or YAML, or `rows` as an aligned table with the given columns. */
export function printResult<T>(
  out: Output,
  format: OutputFormat,
  data: unknown,
  rows: readonly T[],
  columns: readonly Column<T>[],
): void {
  if (format === 'json') {
    out.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  if (format === 'yaml') {
    out.write(stringify(data));
    return;
  }
  out.write(formatTable(rows, columns));
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return (
    [line(columns.map((column) => column.header.toUpperCase())), ...cells.map(line)].join('\n') +
    '\n'
  );
}
