/**
 * The `tagpilot` command line. `main` takes its arguments and streams as parameters so tests run
 * it in process exactly as a user runs it, and returns the exit code instead of exiting.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/index.js';
import { describeError, TagpilotError } from '../errors/index.js';
import { COMMANDS } from './commands.js';
import { CliContext, UsageError, type CliIO, type GlobalOptions } from './context.js';
import { EXIT } from './exit-codes.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('tagpilot');
  const context = new CliContext(io, () => program.opts<GlobalOptions>());
  program
    .description(
      'Image automation for GitOps: new registry tags, chosen by per-workload policies, committed to Git.',
    )
    .version(version(), '-V, --version')
    .option('-c, --config <file>', 'config file (default: $TAGPILOT_CONFIG, then ./tagpilot.yaml)')
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .addOption(new Option('--log-format <format>', 'log format').choices(['json', 'text']))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const command of COMMANDS) command.register(program, context, setExit);
  // Sub-commands inherit the output routing and the usage-error behaviour.
  for (const sub of program.commands) {
    sub
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
      });
  }
  return program;
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (next) => {
    code = next;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error: unknown) {
    if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`tagpilot: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof TagpilotError) {
      io.stderr.write(`tagpilot: ${error.message}\n`);
      return EXIT.report;
    }
    // Anything else is our bug: say so, with the stack, rather than pretend it is the user's.
    io.stderr.write(
      `tagpilot: internal error: ${describeError(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`,
    );
    return EXIT.report;
  }
}

export function processIO(): CliIO {
  let controller: AbortController | undefined;
  const shutdownSignal = (): AbortSignal => {
    if (controller === undefined) {
      const created = new AbortController();
      controller = created;
      const onSignal = (signal: NodeJS.Signals): void => {
        // A second signal means "now": exit without waiting for the step in hand (128 + SIGINT).
        if (created.signal.aborted) process.exit(130);
        process.stderr.write(
          `tagpilot: ${signal} received, stopping after the current step (send it again to stop now)\n`,
        );
        created.abort(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    return controller.signal;
  };
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    shutdownSignal,
  };
}
