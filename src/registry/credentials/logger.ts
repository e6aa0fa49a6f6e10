/** The slice of the pino logger the credential sources use (pino's Logger satisfies it). */
export interface ProviderLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}
