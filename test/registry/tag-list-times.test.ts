/**
 * Push times without per-tag requests, counted on the server side:
 * - GCR / Artifact Registry's `manifest{}` in `tags/list` (the double's `googleManifest`) gives
 *   digest and `timeUploadedMs` per tag, used like a bulk source and cached with the list;
 * - a bulk source (the real Docker Hub tags API source against its double) is not asked again
 *   while the tag list is unchanged and every accepted tag's time is known from the cache, and
 *   is asked again for a new tag or once the cached answer is older than `cache.tagRecheck`.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { registryProvidersSchema } from '../../src/config/sections/registry-providers.js';
import { parseImageRef } from '../../src/image/index.js';
import type { BulkMetadataSource } from '../../src/registry/index.js';
import { axiosHttp, createDockerHubBulkSource } from '../../src/registry/providers/index.js';
import { RegistryDouble, storeImage } from '../support/registry/double.js';
import { makeImage } from '../support/registry/images.js';
import { tempCacheDir, testClient } from '../support/registry/client.js';
import { captureLogger } from '../support/registry-providers/capture.js';
import { startHubDouble, type HubTag } from '../support/registry-providers/dockerhub-double.js';

const T0 = Date.UTC(2026, 0, 1);
const all = { accepts: () => true, budget: 100 };

function imageFor(i: number): ReturnType<typeof makeImage> {
  return makeImage(new Date(T0 - 86_400_000 + i).toISOString(), 'linux/amd64', `img-${i}`);
}

/** A bulk source that counts how often it is asked and never knows anything. */
function countingBulk(host: string): { source: BulkMetadataSource; asked: () => number } {
  let asked = 0;
  return {
    source: {
      handles: (registry) => registry === host,
      metadata: () => {
        asked += 1;
        return Promise.resolve(new Map());
      },
    },
    asked: () => asked,
  };
}

describe('GCR-style tag list times (manifest{} in tags/list)', () => {
  it('gives digest and push time for every tag from the list alone, and again from the cache after a 304', async () => {
    const double = await new RegistryDouble({ googleManifest: true, etag: true }).start();
    const host = new URL(double.origin).host;
    const repo = double.repo('project/app');
    const images = [0, 1, 2].map(imageFor);
    images.forEach((image, i) => {
      storeImage(repo, image, [`1.0.${i}`], T0 + i * 60_000);
    });
    // Two tags on one digest, as GCR lists them under one manifest entry.
    storeImage(repo, images[2] ?? imageFor(2), ['latest'], T0 + 2 * 60_000);
    const cacheDir = await tempCacheDir();
    const settings = { hosts: { [host]: { insecure: true } } };
    const image = parseImageRef(`${host}/project/app`);

    for (const pass of ['first', 'second'] as const) {
      const bulk = countingBulk(host);
      const { client } = await testClient({ settings, cacheDir, bulkSources: [bulk.source] });
      const before = double.apiRequests().length;
      const tags = await client.listTags(image);
      const result = await client.metadata(image, tags, all);
      const made = double.apiRequests().slice(before);
      assert.deepEqual(
        made.map((request) => `${request.method} ${request.url.split('?')[0] ?? ''}`),
        ['GET /v2/project/app/tags/list'],
        `${pass} scan: the tag list is the only request`,
      );
      assert.equal(client.stats().notModified, pass === 'second' ? 1 : 0);
      assert.equal(bulk.asked(), 0, 'a bulk source is not needed when the list has every time');
      assert.equal(result.pending, 0);
      const byTag = new Map(result.candidates.map((candidate) => [candidate.tag, candidate]));
      for (const [i, image] of images.entries()) {
        assert.equal(byTag.get(`1.0.${i}`)?.pushed, T0 + i * 60_000);
        assert.equal(byTag.get(`1.0.${i}`)?.digest, image.manifest.digest);
      }
      assert.equal(byTag.get('latest')?.digest, images[2]?.manifest.digest);
      assert.equal(byTag.get('latest')?.pushed, T0 + 2 * 60_000);
      await client.close();
    }
    await double.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('merges times across pages and fetches per tag only what has no upload time', async () => {
    const double = await new RegistryDouble({ googleManifest: true, pageSize: 2 }).start();
    const host = new URL(double.origin).host;
    const repo = double.repo('project/app');
    for (let i = 0; i < 5; i += 1)
      // Tag 1.0.3 was uploaded at "0" (unknown): it needs the registry's manifest and config.
      storeImage(repo, imageFor(i), [`1.0.${i}`], i === 3 ? 0 : T0 + i * 60_000);
    const { client } = await testClient({ settings: { hosts: { [host]: { insecure: true } } } });
    const image = parseImageRef(`${host}/project/app`);
    const tags = await client.listTags(image);
    assert.equal(double.apiRequests().length, 3, '5 tags in pages of 2');
    const result = await client.metadata(image, tags, {
      accepts: (tag) => tag !== '1.0.4',
      budget: 100,
    });
    const perTag = double.apiRequests().slice(3);
    assert.deepEqual(
      perTag.map((request) => `${request.method} ${decodeURIComponent(request.url)}`),
      [
        'HEAD /v2/project/app/manifests/1.0.3',
        `GET /v2/project/app/manifests/${imageFor(3).manifest.digest}`,
        `GET /v2/project/app/blobs/${imageFor(3).config.digest}`,
      ],
    );
    const byTag = new Map(result.candidates.map((candidate) => [candidate.tag, candidate]));
    assert.equal(byTag.get('1.0.0')?.pushed, T0);
    assert.equal(byTag.get('1.0.4')?.pushed, T0 + 4 * 60_000, 'page 3 read too');
    assert.equal(byTag.get('1.0.3')?.pushed, undefined);
    assert.equal(byTag.get('1.0.3')?.created, T0 - 86_400_000 + 3);
    await client.close();
    await double.stop();
  });
});

describe('bulk source answers reused while nothing changed', () => {
  it('a second scan costs the tag list only; a new tag asks the bulk source again', async () => {
    const double = await new RegistryDouble({ etag: true }).start();
    const host = new URL(double.origin).host;
    const repo = double.repo('org/app');
    const hubTags: HubTag[] = [];
    for (let i = 0; i < 3; i += 1) {
      storeImage(repo, imageFor(i), [`1.0.${i}`]);
      // The Hub API does not know 1.0.2 (yet): it costs per-tag requests once.
      if (i < 2)
        hubTags.push({
          name: `1.0.${i}`,
          digest: imageFor(i).manifest.digest,
          pushed: new Date(T0 + i * 60_000).toISOString(),
        });
    }
    const hub = await startHubDouble({
      repositories: { 'org/app': { private: false, tags: hubTags } },
      users: {},
    });
    const captured = captureLogger();
    const hubSource = createDockerHubBulkSource(
      registryProvidersSchema.parse({ dockerHub: { apiUrl: hub.url } }).dockerHub,
      {
        http: axiosHttp(),
        redactor: captured.redactor,
        logger: captured.logger,
        now: Date.now,
        timeoutMs: 5000,
      },
    );
    // The real Hub source, asked about the double's repository under its Docker Hub name.
    const bulk: BulkMetadataSource = {
      handles: (registry) => registry === host,
      metadata: (image) => hubSource.metadata(parseImageRef(`docker.io/${image.repository}`)),
    };
    const cacheDir = await tempCacheDir();
    let clock = Date.now();
    const scan = async (): Promise<{
      registry: string[];
      hub: number;
      times: Map<string, number | undefined>;
    }> => {
      const registryBefore = double.apiRequests().length;
      const hubBefore = hub.requests.length;
      const { client } = await testClient({
        settings: { hosts: { [host]: { insecure: true } }, cache: { tagRecheck: 3_600_000 } },
        cacheDir,
        bulkSources: [bulk],
        now: () => clock,
      });
      const image = parseImageRef(`${host}/org/app`);
      const result = await client.metadata(image, await client.listTags(image), all);
      await client.close();
      return {
        registry: double
          .apiRequests()
          .slice(registryBefore)
          .map((request) => `${request.method} ${request.url.split('?')[0] ?? ''}`),
        hub: hub.requests.length - hubBefore,
        times: new Map(result.candidates.map((c) => [c.tag, c.pushed ?? c.created])),
      };
    };

    const first = await scan();
    assert.equal(first.hub, 1);
    assert.deepEqual(first.registry.slice(0, 2), [
      'GET /v2/org/app/tags/list',
      'HEAD /v2/org/app/manifests/1.0.2',
    ]);
    assert.equal(first.registry.length, 4, 'list + HEAD, manifest, config for 1.0.2');
    assert.equal(first.times.get('1.0.1'), T0 + 60_000);
    assert.equal(first.times.get('1.0.2'), T0 - 86_400_000 + 2);

    const second = await scan();
    assert.deepEqual(second.registry, ['GET /v2/org/app/tags/list'], 'one request (a 304)');
    assert.equal(second.hub, 0, 'bulk source not asked');
    assert.deepEqual(second.times, first.times);

    // A new tag: the list changes, so the bulk source is asked and gives its time.
    storeImage(repo, imageFor(3), ['1.0.3']);
    hubTags.push({
      name: '1.0.3',
      digest: imageFor(3).manifest.digest,
      pushed: new Date(T0 + 3 * 60_000).toISOString(),
    });
    const third = await scan();
    assert.deepEqual(third.registry, ['GET /v2/org/app/tags/list']);
    assert.equal(third.hub, 1);
    assert.equal(third.times.get('1.0.3'), T0 + 3 * 60_000);

    // Nothing new again: free; then the cached answer grows older than tagRecheck: asked again.
    assert.equal((await scan()).hub, 0);
    clock += 3_600_001;
    const late = await scan();
    assert.equal(late.hub, 1);
    assert.equal(late.times.get('1.0.3'), T0 + 3 * 60_000);

    await hub.close();
    await double.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('also when the registry sends no ETag: an identical list counts as unchanged, a removed tag does not', async () => {
    // distribution 2.8 and ECR send no validators on tags/list: the list is compared instead.
    const double = await new RegistryDouble().start();
    const host = new URL(double.origin).host;
    const repo = double.repo('org/app');
    storeImage(repo, imageFor(0), ['1', '2']);
    let asked = 0;
    const bulk: BulkMetadataSource = {
      handles: (registry) => registry === host,
      metadata: () => {
        asked += 1;
        return Promise.resolve(
          new Map(repo.tags.map((tag, i) => [tag, { pushed: T0 + i }] as const)),
        );
      },
    };
    const cacheDir = await tempCacheDir();
    const scan = async (): Promise<number> => {
      const before = double.apiRequests().length;
      const { client } = await testClient({
        settings: { hosts: { [host]: { insecure: true } } },
        cacheDir,
        bulkSources: [bulk],
      });
      const image = parseImageRef(`${host}/org/app`);
      const result = await client.metadata(image, await client.listTags(image), all);
      assert.ok(result.candidates.every((candidate) => candidate.pushed !== undefined));
      await client.close();
      return double.apiRequests().length - before;
    };
    assert.equal(await scan(), 1);
    assert.equal(await scan(), 1);
    assert.equal(asked, 1, 'second scan: same tags, cached answer');
    repo.tags = ['2'];
    assert.equal(await scan(), 1);
    assert.equal(asked, 2, 'the list changed: asked again');
    await double.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('without a disk cache the bulk source is asked on every scan', async () => {
    const double = await new RegistryDouble({ etag: true }).start();
    const host = new URL(double.origin).host;
    storeImage(double.repo('org/app'), imageFor(0), ['1']);
    const bulk = countingBulk(host);
    const { client } = await testClient({
      settings: { hosts: { [host]: { insecure: true } } },
      bulkSources: [bulk.source],
    });
    const image = parseImageRef(`${host}/org/app`);
    for (let scan = 0; scan < 2; scan += 1)
      await client.metadata(image, await client.listTags(image), all);
    assert.equal(bulk.asked(), 2);
    await client.close();
    await double.stop();
  });
});
