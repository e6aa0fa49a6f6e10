/**
 * `tagpilot select <policy>`: try a policy on a list of tags before annotating a workload. Prints
 * the chosen tag on the first line and the reason on the second (docs/policies.md).
 */
import { Option, type Command } from 'commander';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  parsePolicy,
  PolicyError,
  select,
  type Candidate,
  type Policy,
  type Semantics,
} from '../policy/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

interface SelectFlags {
  readonly current?: string;
  readonly above?: string;
  readonly tagsFrom: string;
  readonly semantics: Semantics;
  readonly output: 'text' | 'json';
}

const HELP = `
Prints the chosen tag on the first line, then the reason.
Exit codes: 0 chosen (or kept), 1 nothing matched or build times missing, 2 bad policy or input.

Policies: semver:<range>, semver-lenient:<range>, glob:<pattern> (or a bare pattern),
regex:<re2>, numeric:asc|desc, alpha:asc|desc, and regex:...(?P<ts>...) or (?P<version>...)
to order by part of the tag. Globs and plain regexes order by build time, so give times.
Full grammar: docs/policies.md.

Examples:
  $ printf "1.4.2\\n1.4.3\\n1.5.0\\n" | tagpilot select "semver:~1.4" --current 1.4.2
  $ tagpilot select 'glob:prod-*' --tags-from tags.tsv     # lines "tag<TAB>2026-11-10T10:00:00Z"
  $ tagpilot select --semantics flux-v1 'semver:~1.0' --tags-from tags.txt`;

export const selectCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('select')
      .description('Choose a tag from a list of candidates under a policy, and say why.')
      .argument('<policy>', 'policy expression, e.g. "semver:~1.4", "glob:prod-*", "regex:^v\\d+$"')
      .option('--current <tag>', 'the tag in use now (never downgraded)')
      .option(
        '--above <tag>',
        'rollback hold: only tags ranking strictly above this one may be chosen',
      )
      .option(
        '--tags-from <file>',
        'candidate tags, one per line, optionally "tag<TAB>RFC 3339 time"; "-" for stdin',
        '-',
      )
      .addOption(
        new Option('--semantics <rules>', 'read the policy as tagpilot or as Flux v1 did')
          .choices(['tagpilot', 'flux-v1'])
          .default('tagpilot'),
      )
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['text', 'json'])
          .default('text'),
      )
      .addHelpText('after', HELP)
      .action(async (expression: string, flags: SelectFlags) => {
        let policy: Policy;
        try {
          policy = parsePolicy(expression, flags.semantics);
        } catch (error: unknown) {
          if (error instanceof PolicyError) throw new UsageError(error.message);
          throw error;
        }
        const source = flags.tagsFrom;
        const candidates = await readCandidates(
          source === '-' ? source : resolve(context.io.cwd, source),
          context.io.stdin,
          source,
        );
        const decision = select(policy, flags.current, candidates, { above: flags.above });
        const out = context.io.stdout;
        if (flags.output === 'json') out.write(`${JSON.stringify(decision, null, 2)}\n`);
        if (decision.kind === 'error') {
          context.io.stderr.write(`tagpilot: ${decision.message}\n`);
          setExit(EXIT.report);
          return;
        }
        if (flags.output === 'text') {
          const tag = decision.kind === 'keep' ? decision.tag : decision.to.tag;
          out.write(`${tag}\n${decision.reason.text}\n`);
        }
        setExit(EXIT.ok);
      });
  },
};

// The distribution spec's tag grammar; a line that is not a tag is the file's fault, said so.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Reads `tag` or `tag<TAB>time` lines; blank lines and `#` comments are skipped. Errors name the
 * file and line. `label` is the file as the user wrote it.
 */
export async function readCandidates(
  path: string,
  stdin: NodeJS.ReadableStream,
  label = path,
): Promise<Candidate[]> {
  const name = path === '-' ? '<stdin>' : label;
  const input = path === '-' ? stdin : createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const candidates: Candidate[] = [];
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [tag = '', time, ...extra] = line.split('\t').map((field) => field.trim());
      const at = `${name}:${lineNumber}`;
      if (extra.length > 0)
        throw new UsageError(
          `${at}: expected "tag" or "tag<TAB>time", got ${extra.length + 2} fields`,
        );
      if (!TAG.test(tag)) throw new UsageError(`${at}: ${JSON.stringify(tag)} is not an image tag`);
      if (time === undefined) {
        candidates.push({ tag });
        continue;
      }
      const ms = Date.parse(time);
      if (!RFC3339.test(time) || Number.isNaN(ms))
        throw new UsageError(
          `${at}: ${JSON.stringify(time)} is not an RFC 3339 time (e.g. 2026-11-10T10:00:00Z)`,
        );
      candidates.push({ tag, created: ms });
    }
  } catch (error: unknown) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read tags from ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return candidates;
}
