/** Builds the client under test with a log capture, so tests can assert what was logged. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
} from '../../../src/registry/index.js';
import { createLogger, SecretRedactor } from '../../../src/telemetry/index.js';

export interface TestClient {
  readonly client: RegistryClient;
  readonly logs: string[];
  readonly redactor: SecretRedactor;
}

export async function tempCacheDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tagpilot-regcache-'));
}

export async function testClient(
  options: Partial<RegistryClientOptions> = {},
): Promise<TestClient> {
  const logs: string[] = [];
  const redactor = options.redactor ?? new SecretRedactor();
  const logger = createLogger({
    level: 'debug',
    redactor,
    destination: { write: (line: string) => logs.push(line) },
  });
  const client = await createRegistryClient({ redactor, logger, ...options });
  return { client, logs, redactor };
}
