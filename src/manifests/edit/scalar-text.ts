/**
 * How a new string value is written into a scalar's place: in the scalar's own quote style, and
 * quoted whenever the plain spelling would be read back as something else. The check asks both
 * YAML 1.2 (what `yaml` and Go's yaml.v3 read) and YAML 1.1 (what older Kubernetes tooling,
 * e.g. go-yaml v2 and PyYAML, reads: `on`, `yes`, `0755`, `1:20`), so the value is a string for
 * every reader, not just ours.
 */
import { parse, Scalar } from 'yaml';

/** Quote styles the editor writes; block scalars are refused before they get here. */
export type WritableStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE';

/** Characters that start YAML syntax when they open a plain scalar (YAML 1.2 §5.3, c-indicator). */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Anything that is not printable on one line, or that readers disagree on (NEL, LS, PS, BOM). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const NOT_ONE_LINE_PRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const FLOW_INDICATORS = /[,[\]{}]/;

/** True when `value` written plain reads back as exactly this string in YAML 1.1 and 1.2. */
export function plainIsSafe(value: string, inFlow: boolean): boolean {
  if (value.length === 0 || value.trim() !== value) return false;
  if (NOT_ONE_LINE_PRINTABLE.test(value) || INDICATOR_START.test(value)) return false;
  if (value.includes(': ') || value.includes(' #') || value.endsWith(':')) return false;
  if (inFlow && FLOW_INDICATORS.test(value)) return false;
  // The schemas decide the rest (numbers, booleans, null, timestamps, merge keys).
  for (const version of ['1.1', '1.2'] as const) {
    let read: unknown;
    try {
      read = parse(value, { version, prettyErrors: false, logLevel: 'silent' });
    } catch {
      return false;
    }
    if (read !== value) return false;
  }
  return true;
}

export function doubleQuoted(value: string): string {
  // A JSON string is a valid YAML double-quoted scalar (YAML 1.2 is a JSON superset, §1.3);
  // JSON.stringify escapes every control character and leaves printable text as it is.
  return JSON.stringify(value);
}

function singleQuoted(value: string): string | undefined {
  // Single quotes cannot escape anything but `'`, and line breaks inside them fold.
  if (NOT_ONE_LINE_PRINTABLE.test(value)) return undefined;
  return `'${value.replaceAll("'", "''")}'`;
}

/** The source text for `value` in `style`, falling back to double quotes when needed. */
export function renderScalar(value: string, style: WritableStyle, inFlow: boolean): string {
  switch (style) {
    case 'PLAIN':
      return plainIsSafe(value, inFlow) ? value : doubleQuoted(value);
    case 'QUOTE_SINGLE':
      return singleQuoted(value) ?? doubleQuoted(value);
    case 'QUOTE_DOUBLE':
      return doubleQuoted(value);
  }
}

/** Narrows a parsed scalar's type to a style the editor can write, or undefined (block scalars). */
export function writableStyle(type: Scalar['type']): WritableStyle | undefined {
  switch (type) {
    case Scalar.PLAIN:
    case undefined:
      return 'PLAIN';
    case Scalar.QUOTE_SINGLE:
      return 'QUOTE_SINGLE';
    case Scalar.QUOTE_DOUBLE:
      return 'QUOTE_DOUBLE';
    default:
      return undefined;
  }
}
