/** A real logger (pino + SecretRedactor) writing into an array, to assert what was logged. */
import { createLogger, SecretRedactor, type Logger } from '../../../src/telemetry/index.js';

export interface Captured {
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly lines: string[];
  text(): string;
}

export function captureLogger(level: 'debug' | 'info' = 'debug'): Captured {
  const redactor = new SecretRedactor();
  const lines: string[] = [];
  const logger = createLogger({
    level,
    redactor,
    destination: { write: (line) => lines.push(line) },
  });
  return { logger, redactor, lines, text: () => lines.join('') };
}
