/**
 * Secret redaction, applied to whole log lines at the stream (docs/decisions/0004-logging.md):
 * call sites never have to remember. Secrets are registered as they are loaded (tokens, passwords,
 * registry bearer tokens); well-known shapes (Authorization values, URL user-info) are caught even
 * when nobody registered them.
 */
export const REDACTED = '[REDACTED]';

// Secrets shorter than this are not registered: replacing every "a" or "42" would shred logs,
// and no real credential is that short.
const MIN_SECRET_LENGTH = 4;

const PATTERNS: readonly [RegExp, string][] = [
  // Authorization header values: `Basic xxx`, `Bearer xxx` (also inside JSON strings).
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${REDACTED}`],
  // user:password@ in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']*:)[^\s/@"']+@/gi, `$1${REDACTED}@`],
];

export class SecretRedactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret (and its base64 form, as it appears in Basic auth and config.json). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    this.#secrets.add(secret);
    this.#secrets.add(Buffer.from(secret).toString('base64'));
    // JSON.stringify escapes quotes and backslashes: register the escaped spelling too.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.#secrets.add(escaped);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}
