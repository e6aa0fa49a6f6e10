/**
 * A parsed policy turned into two functions: the filter (`accepts`) and the sort key (`key`).
 * Compiled once per Policy object (a WeakMap memo, so the pure API stays data-in, data-out).
 */
import type semver from 'semver';
import { compileRegex, extractGroup, globMatcher, isLatest, regexMatcher } from './filters.js';
import { buildTime, decimalKey, type SortKey } from './order.js';
import { parseRange } from './parse.js';
import { parseLenientVersion, parseStrictVersion } from './semver-order.js';
import type { Policy } from './types.js';

export interface CompiledPolicy {
  readonly policy: Policy;
  /** 1 when the largest key wins, -1 when the smallest does (`numeric:desc`, `alpha:desc`). */
  readonly direction: 1 | -1;
  /** The filter, `latest` rule included. */
  accepts(tag: string): boolean;
  /**
   * The tag's sort key under this policy's order, whether or not the filter accepts it (a hold's
   * `above` tag need not match); undefined when the tag has none (not a version, no build time).
   */
  key(tag: string, pushed?: number, created?: number): SortKey | undefined;
}

const memo = new WeakMap<Policy, CompiledPolicy>();

export function compilePolicy(policy: Policy): CompiledPolicy {
  let compiled = memo.get(policy);
  if (compiled === undefined) {
    compiled = build(policy);
    memo.set(policy, compiled);
  }
  return compiled;
}

function build(policy: Policy): CompiledPolicy {
  const { expr, semantics } = policy;
  const allowLatest = expr.kind === 'glob' && expr.pattern === 'latest';
  const withLatestRule =
    (filter: (tag: string) => boolean) =>
    (tag: string): boolean =>
      (allowLatest || !isLatest(tag)) && filter(tag);
  const timeKey = (_tag: string, pushed?: number, created?: number): SortKey | undefined => {
    const ms = buildTime(pushed, created);
    return ms === undefined ? undefined : { kind: 'time', ms };
  };

  switch (expr.kind) {
    case 'semver': {
      const range = parseRange(expr.range) as semver.Range; // parsePolicy validated it
      const parse = expr.lenient ? parseLenientVersion : parseStrictVersion;
      return {
        policy,
        direction: 1,
        accepts: withLatestRule((tag) => {
          const version = parse(tag);
          return version !== undefined && range.test(version);
        }),
        key: (tag) => {
          const version = parse(tag);
          return version === undefined ? undefined : { kind: 'version', version };
        },
      };
    }
    case 'glob':
      return {
        policy,
        direction: 1,
        accepts: withLatestRule(globMatcher(expr.pattern, semantics)),
        key: timeKey,
      };
    case 'regex':
      return {
        policy,
        direction: 1,
        accepts: withLatestRule(regexMatcher(compileRegex(expr.pattern), semantics)),
        key: timeKey,
      };
    case 'numeric':
      return {
        policy,
        direction: expr.direction === 'asc' ? 1 : -1,
        accepts: withLatestRule((tag) => decimalKey(tag) !== undefined),
        key: decimalKey,
      };
    case 'alpha':
      return {
        policy,
        direction: expr.direction === 'asc' ? 1 : -1,
        accepts: withLatestRule(() => true),
        key: (tag) => ({ kind: 'text', text: tag }),
      };
    case 'extract': {
      const re = compileRegex(expr.pattern);
      const key = (tag: string): SortKey | undefined => {
        const value = extractGroup(re, expr.group, tag);
        if (value === undefined) return undefined;
        if (expr.group === 'ts') return decimalKey(value);
        const version = parseStrictVersion(value);
        return version === undefined ? undefined : { kind: 'version', version };
      };
      return {
        policy,
        direction: 1,
        accepts: withLatestRule((tag) => key(tag) !== undefined),
        key,
      };
    }
  }
}
