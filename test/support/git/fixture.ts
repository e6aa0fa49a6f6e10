/** Opens a tagpilot GitStore against a test server with fixed author and clock. */
import {
  openGitStore,
  type OpenedGitStore,
  type OpenGitStoreOptions,
} from '../../../src/git/index.js';
import { SecretRedactor } from '../../../src/telemetry/index.js';
import { tempDir } from './repos.js';

export const AUTHOR = { name: 'tagpilot', email: 'tagpilot@example.test' };
// 2026-01-02T03:04:05Z
export const NOW_MS = 1_767_323_045_000;

export async function openTestStore(
  url: string,
  overrides: Partial<OpenGitStoreOptions> = {},
): Promise<OpenedGitStore> {
  return openGitStore({
    url,
    branch: 'main',
    cacheDir: overrides.cacheDir ?? (await tempDir('cache')),
    author: AUTHOR,
    redactor: new SecretRedactor(),
    now: () => NOW_MS,
    ...overrides,
  });
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
