/**
 * `WWW-Authenticate` parsing per RFC 7235 §2.1 and §4.1: one header may hold several challenges
 * separated by commas; each is `scheme [token68 | #auth-param]`; param values are tokens or
 * quoted strings (RFC 7230 §3.2.6, backslash escapes). Scope values carry commas inside quotes
 * (`scope="repository:a/b:push,pull"`), so the header is never split naively. Pure.
 */
export interface Challenge {
  /** Lower-cased scheme, e.g. `bearer`, `basic`. */
  readonly scheme: string;
  /** Parameters with lower-cased names. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

// RFC 7230 tchar.
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  atEnd(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string {
    return this.text[this.position] ?? '';
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position += 1;
  }
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.position += 1;
  }
  token(): string {
    const start = this.position;
    while (!this.atEnd() && TCHAR.test(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }
  quoted(): string | undefined {
    if (this.peek() !== '"') return undefined;
    this.position += 1;
    let value = '';
    while (!this.atEnd()) {
      const char = this.peek();
      this.position += 1;
      if (char === '"') return value;
      if (char === '\\') {
        value += this.peek();
        this.position += 1;
      } else value += char;
    }
    return undefined; // unterminated
  }
}

/** Parses every challenge in the header; malformed tails are dropped, never thrown. */
export function parseChallenges(header: string): Challenge[] {
  const cursor = new Cursor(header);
  const challenges: Challenge[] = [];
  cursor.skipSeparators();
  while (!cursor.atEnd()) {
    const scheme = cursor.token();
    if (scheme === '') break; // garbage: stop rather than guess
    cursor.skipSpace();
    const params: Record<string, string> = {};
    let token68: string | undefined;
    // token68 form: `Scheme abc==` (no `=` following a token).
    const save = cursor.position;
    let candidate = '';
    while (!cursor.atEnd() && TOKEN68_CHAR.test(cursor.peek())) {
      candidate += cursor.peek();
      cursor.position += 1;
    }
    while (cursor.peek() === '=') {
      candidate += '=';
      cursor.position += 1;
    }
    cursor.skipSpace();
    // A run of token68 characters ending the challenge is a token68 (`Negotiate abc==`);
    // anything else is the auth-param list, re-read from the start.
    if (candidate !== '' && (cursor.atEnd() || cursor.peek() === ',')) {
      token68 = candidate;
    } else {
      cursor.position = save;
      parseParams(cursor, params);
    }
    challenges.push({
      scheme: scheme.toLowerCase(),
      params,
      ...(token68 === undefined ? {} : { token68 }),
    });
    cursor.skipSeparators();
  }
  return challenges;
}

/** Reads `name=value` pairs until the next challenge (a token not followed by `=`). */
function parseParams(cursor: Cursor, params: Record<string, string>): void {
  for (;;) {
    cursor.skipSeparators();
    if (cursor.atEnd()) return;
    const start = cursor.position;
    const name = cursor.token();
    cursor.skipSpace();
    if (name === '' || cursor.peek() !== '=') {
      cursor.position = start; // the next challenge's scheme
      return;
    }
    cursor.position += 1;
    cursor.skipSpace();
    const value = cursor.peek() === '"' ? cursor.quoted() : cursor.token();
    if (value === undefined) return;
    params[name.toLowerCase()] = value;
  }
}
