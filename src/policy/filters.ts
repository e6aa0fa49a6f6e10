/**
 * The filter half of a policy: which tags it accepts. Globs use minimatch, regular expressions
 * use re2js (RE2 syntax as in Flux's Go code, `(?P<name>...)` included, and linear time, so a
 * user's pattern cannot hang the planner with catastrophic backtracking).
 */
import { escape, Minimatch } from 'minimatch';
import { RE2JS, RE2JSException } from 're2js';
import type { Semantics } from './types.js';

/** A pattern that does not compile; parse.ts turns it into a PolicyError with the annotation. */
export class PatternProblem extends Error {}

/** `latest` in any case: never chosen unless the policy is exactly `glob:latest` (Flux v1). */
export function isLatest(tag: string): boolean {
  return tag.toLowerCase() === 'latest';
}

/**
 * tagpilot globs are minimatch patterns (`*`, `?`, `[...]`, `{a,b}`, `!` negation). Flux v1 used
 * ryanuber/go-glob, where only `*` is special; those patterns are escaped piece by piece so the
 * same annotation matches the same tags it matched under Flux v1.
 */
export function globMatcher(pattern: string, semantics: Semantics): (tag: string) => boolean {
  if (semantics === 'flux-v1') {
    const literal = pattern
      .split('*')
      .map((piece) => escape(piece))
      .join('*');
    const glob = new Minimatch(literal, {
      dot: true,
      nobrace: true,
      noext: true,
      nonegate: true,
      nocomment: true,
      noglobstar: true,
    });
    return (tag) => glob.match(tag);
  }
  const glob = new Minimatch(pattern, { dot: true, nocomment: true });
  return (tag) => glob.match(tag);
}

/** Compiles an RE2 expression, or throws a PatternProblem with re2js's own explanation. */
export function compileRegex(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error: unknown) {
    if (error instanceof RE2JSException) throw new PatternProblem(error.message);
    throw error;
  }
}

/**
 * tagpilot regexes must match the whole tag (`regex:v1` accepts only `v1`; write `v1.*` for a
 * prefix). Flux v1 used Go's unanchored MatchString, so its patterns match anywhere in the tag.
 */
export function regexMatcher(re: RE2JS, semantics: Semantics): (tag: string) => boolean {
  if (semantics === 'flux-v1') return (tag) => re.test(tag);
  return (tag) => re.testExact(tag);
}

/** The text of a named group when the whole tag matches, undefined otherwise. */
export function extractGroup(re: RE2JS, group: string, tag: string): string | undefined {
  const matcher = re.matcher(tag);
  if (!matcher.matches()) return undefined;
  return matcher.group(group) ?? undefined;
}
