/**
 * The policy grammar (docs/policies.md has the BNF):
 *
 *   semver:<range>  semver-lenient:<range>  glob:<pattern>  <pattern>  regex:<re>  regexp:<re>
 *   numeric:asc|desc  alpha:asc|desc
 *
 * A `regex:` with a named group `ts` or `version` is the filter-and-extract form. Expressions
 * read from Flux v1 keys (`semantics: 'flux-v1'`) accept only what Flux v1 accepted (semver,
 * glob, regex/regexp), with its lenient versions and unanchored regexes.
 */
import semver from 'semver';
import { PolicyError } from './errors.js';
import { compileRegex, PatternProblem } from './filters.js';
import type { Policy, PolicyExpr, PolicyOrder, Semantics } from './types.js';

const TAGPILOT_KINDS = ['semver', 'semver-lenient', 'glob', 'regex', 'regexp', 'numeric', 'alpha'];
const FLUX_V1_KINDS = ['semver', 'glob', 'regex', 'regexp'];
const EXTRACT_GROUPS = ['ts', 'version'] as const;

/** Parses a policy expression such as `semver:~1.4`, `glob:prod-*` or `regex:^v\d+$`. */
export function parsePolicy(
  expression: string,
  semantics: Semantics = 'tagpilot',
  annotation?: string,
): Policy {
  const source = expression.trim();
  const fail = (problem: string): never => {
    throw new PolicyError(annotation, expression, problem);
  };
  if (source === '') fail('the expression is empty');
  const colon = source.indexOf(':');
  // Tags never contain ':', so text without a known `<kind>:` prefix can only be a bare glob.
  const kind = colon === -1 ? 'glob' : source.slice(0, colon);
  const body = colon === -1 ? source : source.slice(colon + 1);
  const allowed = semantics === 'flux-v1' ? FLUX_V1_KINDS : TAGPILOT_KINDS;
  if (!allowed.includes(kind)) {
    if (semantics === 'flux-v1' && TAGPILOT_KINDS.includes(kind))
      fail(`"${kind}:" is a tagpilot extension; write it in a tagpilot.io/ annotation`);
    fail(
      `unknown policy kind "${kind}:" (expected one of ${allowed.map((k) => `${k}:`).join(', ')})`,
    );
  }
  const expr = parseBody(kind, body, semantics, fail);
  return { source, expr, semantics, order: orderOf(expr), isDefault: false };
}

/** Flux v1's default for `automated` without a tag policy: every tag, newest build first. */
export function defaultPolicy(semantics: Semantics): Policy {
  return DEFAULTS[semantics];
}

const DEFAULTS: Readonly<Record<Semantics, Policy>> = {
  tagpilot: { ...parsePolicy('glob:*', 'tagpilot'), isDefault: true },
  'flux-v1': { ...parsePolicy('glob:*', 'flux-v1'), isDefault: true },
};

function parseBody(
  kind: string,
  body: string,
  semantics: Semantics,
  fail: (problem: string) => never,
): PolicyExpr {
  switch (kind) {
    case 'semver':
    case 'semver-lenient': {
      const range = body.trim();
      if (range === '') return fail('the semver range is empty');
      if (parseRange(range) === undefined)
        return fail(`${JSON.stringify(range)} is not a semver range`);
      return {
        kind: 'semver',
        range,
        lenient: semantics === 'flux-v1' || kind === 'semver-lenient',
      };
    }
    case 'glob':
      if (body === '') return fail('the glob pattern is empty');
      return { kind: 'glob', pattern: body };
    case 'regex':
    case 'regexp':
      return parseRegex(body, semantics, fail);
    case 'numeric':
    case 'alpha': {
      if (body !== 'asc' && body !== 'desc')
        return fail(`"${kind}:" takes "asc" or "desc", not ${JSON.stringify(body)}`);
      return { kind, direction: body };
    }
    default:
      return fail(`unknown policy kind "${kind}:"`);
  }
}

function parseRegex(
  pattern: string,
  semantics: Semantics,
  fail: (problem: string) => never,
): PolicyExpr {
  if (pattern === '') return fail('the regular expression is empty');
  let groups: string[];
  try {
    groups = Object.keys(compileRegex(pattern).namedGroups());
  } catch (error: unknown) {
    if (error instanceof PatternProblem) return fail(`bad regular expression: ${error.message}`);
    throw error;
  }
  // Flux v1 knew nothing of extraction: under its keys a named group is just a group.
  if (semantics === 'flux-v1') return { kind: 'regex', pattern };
  const extract = EXTRACT_GROUPS.filter((group) => groups.includes(group));
  const [group] = extract;
  if (group === undefined) return { kind: 'regex', pattern };
  if (extract.length > 1)
    return fail('name either a "ts" group or a "version" group to order by, not both');
  return { kind: 'extract', pattern, group };
}

function orderOf(expr: PolicyExpr): PolicyOrder {
  switch (expr.kind) {
    case 'semver':
      return { by: 'semver' };
    case 'glob':
    case 'regex':
      return { by: 'build-time' };
    case 'numeric':
    case 'alpha':
      return { by: expr.kind, direction: expr.direction };
    case 'extract':
      return expr.group === 'ts' ? { by: 'numeric', direction: 'asc' } : { by: 'semver' };
  }
}

/**
 * A range in node-semver syntax; commas are read as AND, as Masterminds/semver (Flux) reads them.
 * Returns undefined when the range does not parse.
 */
export function parseRange(range: string): semver.Range | undefined {
  const text = range.replace(/,/g, ' ');
  let parsed: semver.Range;
  try {
    parsed = new semver.Range(text);
  } catch (error: unknown) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
  // A prerelease is eligible only when the range names one; then, as with Masterminds and
  // node-semver's includePrerelease, a prerelease of any version inside the range is. Read from
  // the text, because node-semver adds `-0` to the upper bounds it derives (`~1.4` is
  // `>=1.4.0 <1.5.0-0`). A version with a prerelease is a digit or x followed directly by `-`;
  // hyphen ranges (`1.2 - 1.4`) need spaces around theirs.
  const namesPrerelease = /[0-9xX*]-[0-9A-Za-z]/.test(text);
  return namesPrerelease ? new semver.Range(text, { includePrerelease: true }) : parsed;
}
