/** What every command receives: its streams, environment and the shared start-up helpers. */
import { loadConfig, type ConfigOverride, type LoadedConfig } from '../config/index.js';
import { TagpilotError } from '../errors/index.js';
import { createLogger, SecretRedactor, type Logger } from '../telemetry/index.js';

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

export interface CliIO {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * For long-running commands: a signal aborted on the first SIGINT or SIGTERM, so they can
   * finish the step in hand and exit cleanly. Handlers are installed only when a command asks,
   * so Ctrl-C still stops every other command at once.
   */
  readonly shutdownSignal?: () => AbortSignal;
}

/** A command-line mistake (bad flag value, missing argument): exit code 2. */
export class UsageError extends TagpilotError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export interface GlobalOptions {
  readonly config?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly logFormat?: string | undefined;
}

export class CliContext {
  readonly redactor = new SecretRedactor();
  #loaded: LoadedConfig | undefined;
  #logger: Logger | undefined;

  constructor(
    readonly io: CliIO,
    readonly globals: () => GlobalOptions,
  ) {}

  /** Loads (once) the validated config: file, then TAGPILOT_* variables, then these flags. */
  config(overrides: readonly ConfigOverride[] = []): LoadedConfig {
    if (this.#loaded === undefined) {
      const globals = this.globals();
      const logOverrides: ConfigOverride[] = [];
      if (globals.logLevel !== undefined)
        logOverrides.push({ path: ['log', 'level'], value: globals.logLevel, flag: '--log-level' });
      if (globals.logFormat !== undefined)
        logOverrides.push({
          path: ['log', 'format'],
          value: globals.logFormat,
          flag: '--log-format',
        });
      this.#loaded = loadConfig({
        configFile: globals.config,
        env: this.io.env,
        cwd: this.io.cwd,
        overrides: [...logOverrides, ...overrides],
      });
    }
    return this.#loaded;
  }

  /** The logger, configured from the config's `log` section; writes to stderr. */
  logger(): Logger {
    if (this.#logger === undefined) {
      const { log } = this.config().config;
      this.#logger = createLogger({
        level: log.level,
        format: log.format,
        redactor: this.redactor,
        destination: this.io.stderr,
      });
    }
    return this.#logger;
  }
}
