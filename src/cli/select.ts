import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parsePolicy, PolicyError, select, type Candidate, type Policy } from '../policy/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

interface SelectOptions {
  readonly current?: string;
  readonly tagsFrom?: string;
}

export const selectCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('select')
      .description('Choose a tag from a list of candidates under a policy, and say why.')
      .argument('<policy>', 'policy expression, e.g. "semver:~1.4", "glob:prod-*", "regex:^v\\d+$"')
      .option('--current <tag>', 'the tag in use now (never downgraded)')
      .option(
        '--tags-from <file>',
        'candidate tags, one per line, optionally "tag<TAB>RFC 3339 time"; "-" for stdin',
        '-',
      )
      .addHelpText(
        'after',
        '\nPrints the chosen tag on the first line, then the reason.\nExit codes: 0 chosen, 1 nothing matched, 2 bad policy or input.\n\nExample:\n  $ printf "1.4.2\\n1.4.3\\n1.5.0\\n" | tagpilot select "semver:~1.4" --current 1.4.2',
      )
      .action(async (expression: string, options: SelectOptions) => {
        let policy: Policy;
        try {
          policy = parsePolicy(expression);
        } catch (error: unknown) {
          if (error instanceof PolicyError) throw new UsageError(error.message);
          throw error;
        }
        const candidates = await readCandidates(options.tagsFrom ?? '-', context.io.stdin);
        const decision = select(policy, options.current, candidates);
        const out = context.io.stdout;
        if (decision.kind === 'error') {
          context.io.stderr.write(`tagpilot: ${decision.message}\n`);
          setExit(EXIT.report);
          return;
        }
        const tag = decision.kind === 'keep' ? decision.tag : decision.to.tag;
        out.write(`${tag}\n${decision.reason.text}\n`);
        setExit(EXIT.ok);
      });
  },
};

/** Reads `tag` or `tag<TAB>time` lines; blank lines and `#` comments are skipped. */
export async function readCandidates(
  source: string,
  stdin: NodeJS.ReadableStream,
): Promise<Candidate[]> {
  const input = source === '-' ? stdin : createReadStream(source);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const candidates: Candidate[] = [];
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [tag = '', time, ...extra] = line.split('\t');
      if (extra.length > 0)
        throw new UsageError(
          `${source}:${lineNumber}: expected "tag" or "tag<TAB>time", got ${extra.length + 2} fields`,
        );
      if (time === undefined) {
        candidates.push({ tag });
        continue;
      }
      const ms = Date.parse(time);
      if (Number.isNaN(ms))
        throw new UsageError(
          `${source}:${lineNumber}: ${JSON.stringify(time)} is not an RFC 3339 time`,
        );
      candidates.push({ tag, created: ms });
    }
  } catch (error: unknown) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read tags from ${source}: ${(error as Error).message}`);
  }
  return candidates;
}
