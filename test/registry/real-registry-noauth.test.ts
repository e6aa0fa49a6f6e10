/**
 * Against Debian's real docker-registry (distribution 2.8.2) without auth: complete tag lists,
 * HEAD digests with the four media types, multi-arch platform choice, build-time metadata with
 * a budget, the disk cache, and server-side request counts from the access log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageRef } from '../../src/image/index.js';
import { RegistryNotFoundError } from '../../src/registry/index.js';
import { makeImage, makeIndex, Pusher } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { tempCacheDir, testClient } from '../support/registry/client.js';

const amd = makeImage('2024-01-10T00:00:00Z', 'linux/amd64', 'amd');
const arm = makeImage('2024-02-20T00:00:00Z', 'linux/arm64/v8', 'arm');
const older = makeImage('2024-05-06T07:08:09Z', 'linux/amd64', 'old');
const newer = makeImage('2025-03-01T00:00:00Z', 'linux/amd64', 'new');
const multi = makeIndex([
  { image: amd, platform: 'linux/amd64' },
  { image: arm, platform: 'linux/arm64/v8' },
]);
const armOnly = makeIndex([{ image: arm, platform: 'linux/arm64/v8' }]);
const MANY = Array.from({ length: 150 }, (_, i) => `1.0.${i}`);

describe('real registry, no auth', () => {
  let registry: RealRegistry;
  const settings = (): { hosts: Record<string, { insecure: boolean }> } => ({
    hosts: { [registry.host]: { insecure: true } },
  });

  before(async () => {
    registry = await startRealRegistry({ kind: 'none' });
    const pusher = new Pusher(registry.url);
    await pusher.pushImage('demo/app', older, []);
    await pusher.tagMany('demo/app', older.manifest, MANY);
    await pusher.pushImage('demo/app', newer, ['2.0.0']);
    await pusher.pushImage('demo/multi', amd, []);
    await pusher.pushImage('demo/multi', arm, []);
    await pusher.pushManifest('demo/multi', amd.manifest.digest, amd.manifest);
    await pusher.pushManifest('demo/multi', arm.manifest.digest, arm.manifest);
    await pusher.pushManifest('demo/multi', 'both', multi);
    await pusher.pushManifest('demo/multi', 'armonly', armOnly);
    await pusher.pushManifest('demo/multi', 'single', amd.manifest);
  });
  after(async () => registry.stop());

  it('lists every tag in one request and a second scan costs one request per repository', async () => {
    const cacheDir = await tempCacheDir();
    const image = parseImageRef(`${registry.host}/demo/app`);
    const first = await testClient({ settings: settings(), cacheDir });
    const mark = (await registry.clientRequests()).length;
    const tags = await first.client.listTags(image);
    assert.deepEqual(new Set(tags), new Set([...MANY, '2.0.0']));
    assert.equal(tags.length, MANY.length + 1);
    const firstRequests = (await registry.clientRequests()).slice(mark);
    assert.deepEqual(
      firstRequests.map((line) => `${line.method} ${line.path} ${line.status}`),
      ['GET /v2/demo/app/tags/list?n=1000 200'],
    );
    await first.client.close();

    // A restarted client with the same cache directory.
    const second = await testClient({ settings: settings(), cacheDir });
    const mark2 = (await registry.clientRequests()).length;
    await second.client.listTags(image);
    assert.equal((await registry.clientRequests()).length - mark2, 1);
    await second.client.close();
  });

  it('gets digests by HEAD with the modern media types, keeping the index digest', async () => {
    const { client } = await testClient({ settings: settings() });
    const mark = (await registry.clientRequests()).length;
    assert.equal(
      await client.digest(parseImageRef(`${registry.host}/demo/app:2.0.0`)),
      newer.manifest.digest,
    );
    assert.equal(
      await client.digest(parseImageRef(`${registry.host}/demo/multi:both`)),
      multi.digest,
    );
    const lines = (await registry.clientRequests()).slice(mark);
    assert.deepEqual(
      lines.map((line) => line.method),
      ['HEAD', 'HEAD'],
    );
    await client.close();
  });

  it('reads build times, chooses the wanted platform and drops tags without it', async () => {
    const cacheDir = await tempCacheDir();
    const image = parseImageRef(`${registry.host}/demo/multi`);
    const tags = ['both', 'armonly', 'single'];
    const wanted = { accepts: () => true, budget: 100 };
    const first = await testClient({ settings: settings(), cacheDir });
    const mark = (await registry.clientRequests()).length;
    const result = await first.client.metadata(image, tags, wanted);
    const byTag = new Map(result.candidates.map((candidate) => [candidate.tag, candidate]));
    assert.deepEqual([...byTag.keys()].sort(), ['both', 'single']);
    assert.equal(byTag.get('both')?.created, Date.parse('2024-01-10T00:00:00Z'));
    assert.equal(byTag.get('both')?.digest, multi.digest);
    assert.equal(byTag.get('single')?.created, Date.parse('2024-01-10T00:00:00Z'));
    assert.equal(result.pending, 0);
    const spent = (await registry.clientRequests()).length - mark;
    // 3 HEADs; both: index + amd manifest + config; armonly: index + arm manifest; single: cached amd.
    assert.equal(spent, 3 + 3 + 1);
    await first.client.close();

    const arm64 = await testClient({ settings: settings(), cacheDir });
    const armResult = await arm64.client.metadata(image, tags, {
      ...wanted,
      platforms: ['linux/arm64'],
    });
    const armByTag = new Map(armResult.candidates.map((candidate) => [candidate.tag, candidate]));
    assert.deepEqual([...armByTag.keys()].sort(), ['armonly', 'both', 'single']);
    assert.equal(armByTag.get('both')?.created, Date.parse('2024-02-20T00:00:00Z'));
    await arm64.client.close();

    // Everything is known now: a restarted client spends nothing on metadata.
    const third = await testClient({ settings: settings(), cacheDir });
    const mark3 = (await registry.clientRequests()).length;
    await third.client.metadata(image, tags, wanted);
    assert.equal((await registry.clientRequests()).length - mark3, 0);
    await third.client.close();
  });

  it('fetches metadata only for accepted tags, within the budget, and reports the rest as pending', async () => {
    const image = parseImageRef(`${registry.host}/demo/app`);
    const { client } = await testClient({ settings: settings(), cacheDir: await tempCacheDir() });
    const mark = (await registry.clientRequests()).length;
    const wanted = { accepts: (tag: string) => tag.startsWith('1.0.1'), budget: 12 };
    const tags = [...MANY, '2.0.0'];
    const accepted = tags.filter(wanted.accepts).length;
    const result = await client.metadata(image, tags, wanted);
    const spent = (await registry.clientRequests()).slice(mark);
    assert.ok(spent.length <= 12, `spent ${spent.length} requests with a budget of 12`);
    assert.ok(result.pending > 0 && result.pending < accepted);
    const withTime = result.candidates.filter((candidate) => candidate.created !== undefined);
    assert.equal(withTime.length, accepted - result.pending);
    assert.ok(withTime.every((candidate) => wanted.accepts(candidate.tag)));
    assert.equal(result.candidates.length, tags.length);
    await client.close();
  });

  it('reports an unknown repository as a permanent 404 and does not ask again in the cycle', async () => {
    const image = parseImageRef(`${registry.host}/nope/nothing`);
    const { client } = await testClient({ settings: settings() });
    const mark = (await registry.clientRequests()).length;
    for (let i = 0; i < 2; i += 1) {
      await assert.rejects(client.listTags(image), (error: unknown) => {
        assert.ok(error instanceof RegistryNotFoundError);
        assert.equal(error.transient, false);
        assert.match(error.message, new RegExp(`${registry.host}/nope/nothing.*HTTP 404`));
        return true;
      });
    }
    assert.equal((await registry.clientRequests()).length - mark, 1);
    client.newCycle();
    await assert.rejects(client.listTags(image), RegistryNotFoundError);
    assert.equal((await registry.clientRequests()).length - mark, 2);
    await client.close();
  });
});
