import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { parseImageRef } from '../../../src/image/index.js';
import { CredentialError } from '../../../src/registry/credentials/index.js';
import { axiosHttp, createDockerHubBulkSource } from '../../../src/registry/providers/index.js';
import type { CredentialProvider } from '../../../src/registry/types.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import {
  startHubDouble,
  type HubDouble,
  type HubTag,
} from '../../support/registry-providers/dockerhub-double.js';
import { startLoopback } from '../../support/registry-providers/loopback.js';

const tags = (count: number, prefix = '1.0.'): HubTag[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    digest: `sha256:${i.toString(16).padStart(64, 'a')}`,
    pushed: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));

const HUB_PASSWORD = 'dckr_pat_secret-value-123';
const login: CredentialProvider = {
  credentialsFor: (host) =>
    Promise.resolve(
      host === 'docker.io'
        ? { kind: 'basic', username: 'octo', password: HUB_PASSWORD }
        : undefined,
    ),
};

describe('Docker Hub tags API as a bulk metadata source (against the Hub API double)', () => {
  let hub: HubDouble;

  before(async () => {
    hub = await startHubDouble({
      repositories: {
        'library/nginx': { private: false, tags: tags(250) },
        'octo/private': { private: true, tags: tags(3, 'p') },
      },
      users: { octo: HUB_PASSWORD },
    });
  });
  after(async () => {
    await hub.close();
  });

  function source(
    settings: Record<string, unknown> = {},
    extra: { allow?: boolean; credentials?: CredentialProvider } = {},
  ) {
    const captured = captureLogger();
    const parsed = registryProvidersSchema.parse({
      dockerHub: { apiUrl: hub.url, ...settings },
    }).dockerHub;
    const bulk = createDockerHubBulkSource(parsed, {
      http: axiosHttp(),
      redactor: captured.redactor,
      logger: captured.logger,
      now: Date.now,
      timeoutMs: 5000,
      ...(extra.credentials === undefined ? {} : { credentials: extra.credentials }),
      ...(extra.allow === true ? { allowCredentialsTo: (host: string) => host === hub.host } : {}),
    });
    return { bulk, captured };
  }

  it('reads every page of an official image anonymously, newest data per tag', async () => {
    const before = hub.requests.length;
    const { bulk } = source({}, { credentials: login, allow: true });
    const result = await bulk.metadata(parseImageRef('nginx:1.0.0'));
    const mine = hub.requests.slice(before);
    assert.equal(mine.length, 3, '250 tags → 3 pages of 100');
    assert.ok(
      mine.every((r) => r.headers.authorization === undefined),
      'public data needs no login',
    );
    assert.match(
      mine[0]!.url,
      /^\/v2\/namespaces\/library\/repositories\/nginx\/tags\?page_size=100$/,
    );
    assert.equal(result.size, 250);
    assert.deepEqual(result.get('1.0.249'), {
      digest: `sha256:${(249).toString(16).padStart(64, 'a')}`,
      pushed: Date.UTC(2026, 0, 1) + 249 * 60_000,
    });
  });

  it('logs in with the docker.io credentials only after the anonymous read is refused', async () => {
    const before = hub.requests.length;
    const { bulk, captured } = source({}, { credentials: login, allow: true });
    const result = await bulk.metadata(parseImageRef('octo/private:p0'));
    const mine = hub.requests.slice(before);
    assert.deepEqual(
      mine.map((r) => `${r.method} ${r.url.split('?')[0] ?? ''}`),
      [
        'GET /v2/namespaces/octo/repositories/private/tags',
        'POST /v2/auth/token',
        'GET /v2/namespaces/octo/repositories/private/tags',
      ],
    );
    assert.deepEqual(JSON.parse(mine[1]!.body), { identifier: 'octo', secret: HUB_PASSWORD });
    assert.match(mine[2]!.headers.authorization ?? '', /^Bearer hub-access-token-\d+$/);
    assert.deepEqual([...result.keys()], ['p0', 'p1', 'p2']);
    const token = (mine[2]!.headers.authorization ?? '').slice('Bearer '.length);
    assert.equal(
      captured.redactor.redact(token),
      '[REDACTED]',
      'Hub token registered for redaction',
    );
  });

  it('never sends the credentials to an API host the user did not pair with docker.io', async () => {
    const before = hub.requests.length;
    const { bulk } = source({}, { credentials: login, allow: false });
    const result = await bulk.metadata(parseImageRef('octo/private:p0'));
    const mine = hub.requests.slice(before);
    assert.equal(result.size, 0);
    assert.deepEqual(
      mine.map((r) => r.method),
      ['GET'],
    );
    assert.ok(
      hub.requests.every((r) => !r.body.includes(HUB_PASSWORD) || r.url === '/v2/auth/token'),
    );
  });

  it('stays anonymous when useCredentials is off', async () => {
    const before = hub.requests.length;
    const { bulk } = source({ useCredentials: false }, { credentials: login, allow: true });
    assert.equal((await bulk.metadata(parseImageRef('octo/private:p0'))).size, 0);
    assert.equal(hub.requests.length - before, 1);
  });

  it('stops at maxPages', async () => {
    const before = hub.requests.length;
    const { bulk } = source({ maxPages: 2 });
    assert.equal((await bulk.metadata(parseImageRef('nginx:1'))).size, 200);
    assert.equal(hub.requests.length - before, 2);
  });

  it('does not follow a next link to another origin', async () => {
    const elsewhere = await startLoopback(() => ({ status: 200, body: '{}' }));
    hub.options.firstNext = `${elsewhere.url}/steal?page=2`;
    try {
      const { bulk, captured } = source({}, { credentials: login, allow: true });
      const result = await bulk.metadata(parseImageRef('nginx:1'));
      assert.equal(result.size, 100);
      assert.equal(elsewhere.requests.length, 0);
      assert.match(captured.text(), /next page on another origin/);
    } finally {
      delete hub.options.firstNext;
      await elsewhere.close();
    }
  });

  it('reports the API rate limit as transient, with the time it lifts', async () => {
    hub.options.rateLimitAfter = 1;
    try {
      const { bulk } = source();
      await assert.rejects(bulk.metadata(parseImageRef('nginx:1')), (error: unknown) => {
        assert.ok(error instanceof CredentialError);
        assert.equal(error.transient, true);
        assert.match(
          error.message,
          /rate limit reached reading tags of library\/nginx until 2030-03-17T/,
        );
        return true;
      });
    } finally {
      delete hub.options.rateLimitAfter;
    }
  });

  it('answers only for docker.io and only when enabled', () => {
    assert.equal(source().bulk.handles('docker.io'), true);
    assert.equal(source().bulk.handles('ghcr.io'), false);
    assert.equal(source({ bulkMetadata: false }).bulk.handles('docker.io'), false);
  });

  it('does not log the Hub password or token', async () => {
    const { bulk, captured } = source({}, { credentials: login, allow: true });
    await bulk.metadata(parseImageRef('octo/private:p0'));
    const token = [...hub.tokens].at(-1)!;
    captured.logger.warn(
      { token, header: `Bearer ${token}` },
      `login as octo with ${HUB_PASSWORD}`,
    );
    assert.ok(!captured.text().includes(token));
    assert.ok(
      !captured.text().includes(HUB_PASSWORD),
      'password registered by the source before use',
    );
  });
});
