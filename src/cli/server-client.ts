/**
 * What `tagpilot status`, `trigger` and `webhook test` share: the controller's URL, a token read
 * from a file, and a request with a deadline whose failures say whose they are.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TagpilotError } from '../errors/index.js';
import { UsageError } from './context.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:9440';
const REQUEST_TIMEOUT_MS = 15_000;

/** The controller did not answer, or answered with an error: exit 1. */
export class ServerRequestError extends TagpilotError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('SERVER_REQUEST_FAILED', message, { transient: true, ...options });
  }
}

export function serverUrl(text: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${option}: ${JSON.stringify(text)} is not a URL (e.g. http://127.0.0.1:9440)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option}: only http and https URLs are supported`);
  return url;
}

/** Reads a secret file (trimmed); a missing or empty file is a usage error. */
export function readSecretFile(path: string, cwd: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8').trim();
  } catch (error: unknown) {
    throw new UsageError(
      `${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (text === '') throw new UsageError(`${option}: ${path} is empty`);
  return text;
}

export interface ServerResponse {
  readonly status: number;
  readonly text: string;
}

export async function request(
  url: URL,
  init: { method: string; headers?: Record<string, string>; body?: Buffer },
): Promise<ServerResponse> {
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'manual',
    });
    return { status: response.status, text: await response.text() };
  } catch (error: unknown) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new ServerRequestError(`cannot reach ${url.origin}: ${reason}`, { cause: error });
  }
}

/** The `error.message` of the status API's JSON error body, or the raw text. */
export function errorMessage(response: ServerResponse): string {
  try {
    const body = JSON.parse(response.text) as { error?: { message?: string }; message?: string };
    return body.error?.message ?? body.message ?? response.text;
  } catch {
    return response.text.slice(0, 500);
  }
}
