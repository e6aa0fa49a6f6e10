/**
 * Behaviours only the protocol double can show (see the header of test/support/registry/
 * double.ts for the spec behind each), driven through the same client as production, with
 * requests counted by the double. The last test runs the behaviours both servers share against
 * the double and Debian's real registry side by side, so the double cannot drift from reality.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageRef } from '../../src/image/index.js';
import {
  RegistryNotFoundError,
  RegistryProtocolError,
  RegistryRateLimitedError,
  type CredentialProvider,
} from '../../src/registry/index.js';
import { RegistryDouble, storeImage } from '../support/registry/double.js';
import { makeImage, makeIndex, Pusher } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { tempCacheDir, testClient } from '../support/registry/client.js';

const image = makeImage('2024-05-06T07:08:09Z');
/** Tags in a deliberately non-lexical order, as distribution 2.8, ECR and GHCR return them. */
function shuffledTags(count: number): string[] {
  const tags = Array.from({ length: count }, (_, i) => `v${(i * 7919) % count}`);
  return tags;
}

async function withDouble(
  options: ConstructorParameters<typeof RegistryDouble>[0],
  tags: readonly string[],
): Promise<RegistryDouble> {
  const double = await new RegistryDouble(options).start();
  storeImage(double.repo('org/app'), image, tags);
  return double;
}

function recorder(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

const insecure = (double: RegistryDouble): { hosts: Record<string, { insecure: boolean }> } => ({
  hosts: { [new URL(double.origin).host]: { insecure: true } },
});
const ref = (double: RegistryDouble, suffix = ''): ReturnType<typeof parseImageRef> =>
  parseImageRef(`${new URL(double.origin).host}/org/app${suffix}`);

describe('protocol double: pagination', () => {
  it('follows relative Link headers past short pages and keeps the registry order', async () => {
    const tags = shuffledTags(2500);
    const double = await withDouble({ pageSize: 100, cursor: 'last', linkStyle: 'relative' }, tags);
    const { client } = await testClient({ settings: insecure(double) });
    assert.deepEqual(await client.listTags(ref(double)), tags);
    assert.equal(double.apiRequests().length, 25);
    assert.match(double.apiRequests()[0]?.url ?? '', /n=1000$/);
    await client.close();
    await double.stop();
  });

  it('follows absolute links with opaque cursors verbatim', async () => {
    const tags = shuffledTags(350);
    const double = await withDouble(
      { pageSize: 100, cursor: 'opaque', linkStyle: 'absolute' },
      tags,
    );
    const { client } = await testClient({ settings: insecure(double) });
    assert.deepEqual(await client.listTags(ref(double)), tags);
    assert.equal(
      double.apiRequests().filter((request) => request.url.includes('next_page=')).length,
      3,
    );
    await client.close();
    await double.stop();
  });

  it('retries with a smaller page when the registry caps n with a 400', async () => {
    const tags = shuffledTags(250);
    const double = await withDouble({ maxN: 100, pageSize: 100 }, tags);
    const { client } = await testClient({ settings: insecure(double) });
    assert.deepEqual(await client.listTags(ref(double)), tags);
    assert.deepEqual(
      double.apiRequests().map((request) => request.url.replace(/&last=.*/, '')),
      [
        '/v2/org/app/tags/list?n=1000',
        '/v2/org/app/tags/list?n=100',
        '/v2/org/app/tags/list?n=100',
        '/v2/org/app/tags/list?n=100',
      ],
    );
    await client.close();
    await double.stop();
  });

  it('refuses a next link to another host and returns no partial list', async () => {
    const foreign = await new RegistryDouble().start();
    const double = await withDouble(
      { pageSize: 10, linkStyle: 'absolute', linkOrigin: foreign.origin },
      shuffledTags(30),
    );
    const { client } = await testClient({ settings: insecure(double) });
    await assert.rejects(
      client.listTags(ref(double)),
      (error: unknown) =>
        error instanceof RegistryProtocolError && /another host/.test(error.message),
    );
    assert.equal(foreign.requests.length, 0);
    await client.close();
    await double.stop();
    await foreign.stop();
  });

  it('answers an unchanged repository with one conditional request (ETag → 304)', async () => {
    const double = await withDouble({ etag: true }, shuffledTags(40));
    const cacheDir = await tempCacheDir();
    const first = await testClient({ settings: insecure(double), cacheDir });
    const tags = await first.client.listTags(ref(double));
    await first.client.close();
    const second = await testClient({ settings: insecure(double), cacheDir });
    assert.deepEqual(await second.client.listTags(ref(double)), tags);
    const last = double.apiRequests().at(-1);
    assert.equal(double.apiRequests().length, 2);
    assert.ok(typeof last?.headers['if-none-match'] === 'string');
    assert.equal(second.client.stats().notModified, 1);
    await second.client.close();
    await double.stop();
  });
});

describe('protocol double: rate limits and failures', () => {
  it('honours Retry-After in seconds and halves the host rate on 429', async () => {
    const double = await withDouble(
      {
        failures: [
          {
            match: /tags\/list/,
            status: 429,
            headers: { 'Retry-After': '7' },
            body: '{"errors":[{"code":"TOOMANYREQUESTS"}]}',
            times: 1,
          },
        ],
      },
      ['a', 'b'],
    );
    const { sleeps, sleep } = recorder();
    const { client } = await testClient({ settings: insecure(double), sleep });
    assert.deepEqual(await client.listTags(ref(double)), ['a', 'b']);
    assert.equal(double.apiRequests().length, 2);
    assert.ok(
      sleeps.some((ms) => ms > 6000 && ms <= 7000),
      `waits: ${sleeps.join(',')}`,
    );
    await client.close();
    await double.stop();
  });

  it('honours Retry-After as an HTTP date and treats the plain-text Hub 429 as a rate limit', async () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    const double = await withDouble(
      {
        failures: [
          {
            match: /tags\/list/,
            status: 429,
            headers: { 'Retry-After': when, 'Content-Type': 'text/plain' },
            body: 'Too Many Requests (HAP429).',
            times: 1,
          },
        ],
      },
      ['x'],
    );
    const { sleeps, sleep } = recorder();
    const { client } = await testClient({ settings: insecure(double), sleep });
    assert.deepEqual(await client.listTags(ref(double)), ['x']);
    assert.ok(
      sleeps.some((ms) => ms > 25_000 && ms <= 30_000),
      `waits: ${sleeps.join(',')}`,
    );
    await client.close();
    await double.stop();
  });

  it('gives up after repeated 429s with a transient error naming registry and repository', async () => {
    const double = await withDouble(
      {
        failures: [
          { match: /tags\/list/, status: 429, body: 'Too Many Requests (HAP429).', times: 100 },
        ],
      },
      ['x'],
    );
    const { sleep } = recorder();
    const { client } = await testClient({ settings: insecure(double), sleep });
    await assert.rejects(client.listTags(ref(double)), (error: unknown) => {
      assert.ok(error instanceof RegistryRateLimitedError);
      assert.equal(error.transient, true);
      assert.match(error.message, /org\/app.*HTTP 429/);
      return true;
    });
    assert.equal(double.apiRequests().length, 4);
    await client.close();
    await double.stop();
  });

  it('retries 5xx with jittered back-off, but never a 404', async () => {
    const double = await withDouble(
      { failures: [{ match: /tags\/list/, status: 503, times: 2 }] },
      ['x'],
    );
    const { sleeps, sleep } = recorder();
    const { client } = await testClient({ settings: insecure(double), sleep, random: () => 0.5 });
    assert.deepEqual(await client.listTags(ref(double)), ['x']);
    assert.equal(sleeps.length, 2);
    assert.ok((sleeps[1] ?? 0) > (sleeps[0] ?? 0), 'back-off grows');
    await assert.rejects(
      client.listTags(parseImageRef(`${new URL(double.origin).host}/org/missing`)),
      RegistryNotFoundError,
    );
    assert.equal(
      double.apiRequests().filter((request) => request.url.includes('missing')).length,
      1,
    );
    await client.close();
    await double.stop();
  });

  it('stops spending Docker Hub pulls before the quota reaches zero and reports the rest as pending', async () => {
    const double = await new RegistryDouble({
      hubQuota: { limit: 100, remaining: 13, window: 21600 },
    }).start();
    const tags = Array.from({ length: 8 }, (_, i) => `t${i}`);
    tags.forEach((tag, i) => {
      storeImage(
        double.repo('org/app'),
        makeImage(`2024-01-0${i + 1}T00:00:00Z`, 'linux/amd64', tag),
        [tag],
      );
    });
    const { client } = await testClient({ settings: { ...insecure(double), pullReserve: 10 } });
    const result = await client.metadata(ref(double), tags, { accepts: () => true, budget: 1000 });
    assert.ok(
      (double.options.hubQuota?.remaining ?? 0) >= 10,
      `quota went down to ${double.options.hubQuota?.remaining}`,
    );
    assert.ok(result.pending > 0);
    assert.equal(
      result.candidates.filter((candidate) => candidate.created !== undefined).length,
      tags.length - result.pending,
    );
    await client.close();
    await double.stop();
  });
});

describe('protocol double: digests and redirects', () => {
  it('falls back to GET and sha256 when Docker-Content-Digest is missing', async () => {
    const double = await withDouble({ omitDigestHeader: true }, ['1.0']);
    const { client } = await testClient({ settings: insecure(double) });
    assert.equal(await client.digest(ref(double, ':1.0')), image.manifest.digest);
    assert.deepEqual(
      double.apiRequests().map((request) => request.method),
      ['HEAD', 'GET'],
    );
    await client.close();
    await double.stop();
  });

  it('follows a blob redirect to another host without the Authorization header', async () => {
    const storage = await new RegistryDouble().start();
    storeImage(storage.repo('any'), image, []);
    const double = await withDouble(
      {
        blobRedirectTo: storage.origin,
        bearer: { realm: 'self', service: 'double', user: 'u', password: 'pw-secret' },
      },
      ['1.0'],
    );
    const credentials: CredentialProvider = {
      credentialsFor: () =>
        Promise.resolve({ kind: 'basic', username: 'u', password: 'pw-secret' }),
    };
    const { client } = await testClient({ settings: insecure(double), credentials });
    const result = await client.metadata(ref(double), ['1.0'], { accepts: () => true, budget: 10 });
    assert.equal(result.candidates[0]?.created, Date.parse('2024-05-06T07:08:09Z'));
    const blobHop = storage.requests.find((request) => request.url.startsWith('/storage/'));
    assert.ok(blobHop !== undefined, 'the redirect was followed');
    assert.equal(blobHop.headers.authorization, undefined);
    assert.ok(
      double.requests
        .filter((request) => request.url.startsWith('/v2/'))
        .some((request) => request.headers.authorization?.toString().startsWith('Bearer ')),
    );
    await client.close();
    await double.stop();
    await storage.stop();
  });
});

describe('mirrors', () => {
  it('lets a configured mirror answer for another registry, and falls back when it cannot', async () => {
    const upstream = await withDouble({}, ['u1']);
    storeImage(upstream.repo('org/other'), image, ['o1']);
    const mirror = await withDouble({}, ['m1', 'm2']);
    const upstreamHost = new URL(upstream.origin).host;
    const settings = {
      hosts: { [upstreamHost]: { insecure: true } },
      mirrors: { [upstreamHost]: [mirror.origin] },
    };
    const { client } = await testClient({ settings });
    assert.deepEqual(await client.listTags(parseImageRef(`${upstreamHost}/org/app`)), ['m1', 'm2']);
    assert.equal(
      await client.digest(parseImageRef(`${upstreamHost}/org/app:m1`)),
      image.manifest.digest,
    );
    assert.equal(upstream.apiRequests().length, 0);
    // The mirror does not have this repository: the registry itself answers.
    assert.deepEqual(await client.listTags(parseImageRef(`${upstreamHost}/org/other`)), ['o1']);
    assert.equal(upstream.apiRequests().length, 1);
    await client.close();
    await upstream.stop();
    await mirror.stop();
  });
});

describe('double and real registry agree where both can answer', () => {
  const amd = makeImage('2024-01-10T00:00:00Z', 'linux/amd64', 'amd');
  const arm = makeImage('2024-02-20T00:00:00Z', 'linux/arm64/v8', 'arm');
  const index = makeIndex([
    { image: amd, platform: 'linux/amd64' },
    { image: arm, platform: 'linux/arm64/v8' },
  ]);
  const tags = ['3.0.0', '1.0.0', '2.0.0'];
  let real: RealRegistry;
  let double: RegistryDouble;

  before(async () => {
    real = await startRealRegistry({ kind: 'none' });
    const pusher = new Pusher(real.url);
    await pusher.pushImage('org/app', amd, ['1.0.0']);
    await pusher.pushImage('org/app', arm, []);
    await pusher.pushManifest('org/app', arm.manifest.digest, arm.manifest);
    await pusher.pushManifest('org/app', '2.0.0', index);
    await pusher.pushImage('org/app', image, ['3.0.0']);
    double = await new RegistryDouble().start();
    const repo = double.repo('org/app');
    storeImage(repo, image, ['3.0.0']);
    storeImage(repo, amd, ['1.0.0']);
    storeImage(repo, arm, []);
    repo.manifests.set('2.0.0', { body: index.bytes, mediaType: index.mediaType });
    repo.manifests.set(index.digest, { body: index.bytes, mediaType: index.mediaType });
    repo.tags.push('2.0.0');
  });
  after(async () => {
    await real.stop();
    await double.stop();
  });

  for (const which of ['real', 'double'] as const) {
    it(`${which}: tags, HEAD digests, platform metadata and 404s`, async () => {
      const host = which === 'real' ? real.host : new URL(double.origin).host;
      const { client } = await testClient({ settings: { hosts: { [host]: { insecure: true } } } });
      assert.deepEqual(
        new Set(await client.listTags(parseImageRef(`${host}/org/app`))),
        new Set(tags),
      );
      assert.equal(await client.digest(parseImageRef(`${host}/org/app:2.0.0`)), index.digest);
      const result = await client.metadata(parseImageRef(`${host}/org/app`), tags, {
        accepts: () => true,
        budget: 100,
        platforms: ['linux/arm64'],
      });
      const created = Object.fromEntries(
        result.candidates.map((candidate) => [candidate.tag, candidate.created]),
      );
      assert.deepEqual(created, {
        '2.0.0': Date.parse('2024-02-20T00:00:00Z'),
        '1.0.0': Date.parse('2024-01-10T00:00:00Z'),
        '3.0.0': Date.parse('2024-05-06T07:08:09Z'),
      });
      await assert.rejects(
        client.digest(parseImageRef(`${host}/org/app:nope`)),
        RegistryNotFoundError,
      );
      await assert.rejects(
        client.listTags(parseImageRef(`${host}/org/none`)),
        RegistryNotFoundError,
      );
      await client.close();
    });
  }
});
