export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
export { SecretRedactor, REDACTED } from './redact.js';
