/**
 * Structured logging with pino. Every line passes through the SecretRedactor on its way to the
 * destination, so no call site can leak a registered secret. `format: text` renders the same
 * records as `LEVEL message key=value` lines for people at a terminal.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { SecretRedactor } from './redact.js';

export type Logger = PinoLogger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: 'json' | 'text';
  readonly redactor?: SecretRedactor;
  /** Where lines go; default stderr, so stdout stays clean for command output. */
  readonly destination?: { write(line: string): unknown };
}

// Keys whose values are always secret, wherever they appear in a record.
const SECRET_KEYS = [
  'password',
  'token',
  'secret',
  'authorization',
  'auth',
  'identitytoken',
  'accessToken',
  'refreshToken',
];
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers.authorization',
  '*.headers.authorization',
];

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const redactor = options.redactor ?? new SecretRedactor();
  const destination = options.destination ?? process.stderr;
  const format = options.format ?? 'json';
  const stream = {
    write(line: string): void {
      const clean = redactor.redact(line);
      destination.write(format === 'text' ? toText(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}

function toText(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, msg, time: _time, ...rest } = record;
  const name =
    typeof level === 'number' ? (LEVEL_NAMES[level] ?? String(level)) : String(level).toUpperCase();
  const fields = Object.entries(rest).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return `${name.padEnd(5)} ${typeof msg === 'string' ? msg : ''}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}
