/**
 * Docker credential helpers (`docker-credential-<name> get`), protocol as published in
 * docker/docker-credential-helpers README "Usage": the server URL on stdin, a JSON object
 * `{ServerURL, Username, Secret}` on stdout; "credentials not found" on stdout with a non-zero
 * exit when the helper has nothing. Username `<token>` marks an identity token.
 */
import path from 'node:path';
import { z } from 'zod';
import type { SecretRedactor } from '../../telemetry/index.js';
import type { RegistryCredentials } from '../types.js';
import { CredentialError } from './errors.js';
import { helperServerUrl } from './hosts.js';

export interface HelperOutcome {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs a program with an argument array (never a shell string) and text on stdin. */
export type RunProgram = (
  file: string,
  args: readonly string[],
  stdin: string,
  timeoutMs: number,
) => Promise<HelperOutcome>;

export interface HelperDeps {
  readonly run: RunProgram;
  readonly isExecutable: (file: string) => Promise<boolean>;
  /** The PATH value to search, as read by config (nothing here reads process.env). */
  readonly pathValue: string | undefined;
  readonly redactor: SecretRedactor;
  readonly timeoutMs: number;
}

const helperOutputSchema = z.looseObject({
  Username: z.string(),
  Secret: z.string(),
});

// docker-credential-helpers `credentials.errCredentialsNotFoundMessage`.
const NOT_FOUND = 'credentials not found in native keychain';
const IDENTITY_TOKEN_USERNAME = '<token>';
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Where `docker-credential-<name>` lives on PATH, or undefined. */
export async function findHelper(
  name: string,
  deps: Pick<HelperDeps, 'isExecutable' | 'pathValue'>,
): Promise<string | undefined> {
  // A name with a slash would escape PATH lookup and run an arbitrary file.
  if (!HELPER_NAME.test(name)) return undefined;
  for (const dir of (deps.pathValue ?? '').split(path.delimiter)) {
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, `docker-credential-${name}`);
    if (await deps.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Asks helper `name` for `host`'s credentials; undefined when it has none. `origin` says where
 * the helper was named (for messages).
 */
export async function credentialsFromHelper(
  name: string,
  host: string,
  origin: string,
  deps: HelperDeps,
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${name}`;
  const file = await findHelper(name, deps);
  if (file === undefined) {
    throw new CredentialError(
      'REGISTRY_CREDENTIAL_HELPER_MISSING',
      `${origin} names credential helper "${name}" for ${host}, but ${program} is not on PATH; install it, or replace the entry with an "auths" entry`,
    );
  }
  const outcome = await deps.run(file, ['get'], helperServerUrl(host), deps.timeoutMs);
  if (outcome.timedOut) {
    throw new CredentialError(
      'REGISTRY_CREDENTIAL_HELPER_FAILED',
      `${program} did not answer for ${host} within ${deps.timeoutMs} ms`,
      { transient: true },
    );
  }
  if (outcome.exitCode !== 0) {
    if (outcome.stdout.includes(NOT_FOUND) || outcome.stderr.includes(NOT_FOUND)) return undefined;
    throw new CredentialError(
      'REGISTRY_CREDENTIAL_HELPER_FAILED',
      `${program} failed for ${host} (exit ${outcome.exitCode ?? 'signal'}): ${summary(outcome, deps.redactor)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(outcome.stdout);
  } catch {
    json = undefined;
  }
  const parsed = helperOutputSchema.safeParse(json);
  if (!parsed.success) {
    throw new CredentialError(
      'REGISTRY_CREDENTIAL_HELPER_FAILED',
      `${program} printed no {"Username","Secret"} JSON object for ${host}`,
    );
  }
  const { Username: username, Secret: secret } = parsed.data;
  deps.redactor.add(secret);
  if (secret === '') return undefined;
  if (username === IDENTITY_TOKEN_USERNAME)
    return { kind: 'identity-token', username: '', token: secret };
  deps.redactor.add(Buffer.from(`${username}:${secret}`).toString('base64'));
  return { kind: 'basic', username, password: secret };
}

/** First line of the helper's own words, redacted and short: enough to act on, no secrets. */
function summary(outcome: HelperOutcome, redactor: SecretRedactor): string {
  const text = (outcome.stderr.trim() || outcome.stdout.trim()).split('\n')[0] ?? '';
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return short === '' ? 'no output' : redactor.redact(short);
}
