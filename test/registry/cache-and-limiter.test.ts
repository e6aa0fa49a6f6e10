/** The disk cache (atomic writes, damaged entries, size bound) and the per-host limiter state. */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DiskCache } from '../../src/registry/cache/disk-cache.js';
import { RegistryCache } from '../../src/registry/cache/registry-cache.js';
import { HostLimiter } from '../../src/registry/limiter.js';
import { tempCacheDir } from '../support/registry/client.js';

describe('disk cache', () => {
  it('round-trips values, leaves no temp files and treats damaged entries as misses', async () => {
    const dir = await tempCacheDir();
    const cache = new DiskCache({ dir, maxBytes: 1024 * 1024 });
    await cache.set('tags', 'r/a', { tags: ['1', '2'] });
    assert.deepEqual(await cache.get('tags', 'r/a'), { tags: ['1', '2'] });
    assert.equal(await cache.get('tags', 'r/b'), undefined);
    const files = await readdir(dir);
    assert.equal(files.length, 1);
    assert.ok(files.every((file) => file.endsWith('.json')));
    await writeFile(join(dir, files[0] ?? ''), '{"key":"r/a","value":');
    assert.equal(await cache.get('tags', 'r/a'), undefined);
  });

  it('validates typed entries on read', async () => {
    const dir = await tempCacheDir();
    const disk = new DiskCache({ dir, maxBytes: 1024 * 1024 });
    await disk.set('digest', 'sha256:x', { kind: 'image', created: 'yesterday' });
    assert.equal(await new RegistryCache(disk).digestFacts('sha256:x'), undefined);
    await disk.set('digest', 'sha256:y', { kind: 'image', created: 5 });
    assert.deepEqual(await new RegistryCache(disk).digestFacts('sha256:y'), {
      kind: 'image',
      created: 5,
    });
  });

  it('evicts the oldest entries beyond the size bound', async () => {
    const dir = await tempCacheDir();
    const cache = new DiskCache({ dir, maxBytes: 20_000 });
    const filler = 'x'.repeat(1000);
    for (let i = 0; i < 60; i += 1) await cache.set('tags', `k${i}`, filler);
    await cache.evict();
    const files = await readdir(dir);
    assert.ok(files.length < 20, `${files.length} files left`);
    assert.equal(await cache.get('tags', 'k59'), filler);
    assert.equal(await cache.get('tags', 'k0'), undefined);
  });
});

describe('host limiter', () => {
  it('halves the rate on 429, blocks for Retry-After, and recovers slowly', async () => {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const limiter = new HostLimiter({
      rates: { 'r.example': { perSecond: 100, concurrency: 2 } },
      now: () => now,
      sleep: (ms) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    assert.equal(limiter.gapFor('r.example'), 10);
    limiter.throttled('r.example', 5000);
    assert.equal(limiter.gapFor('r.example'), 20);
    assert.equal(await limiter.schedule('r.example', () => Promise.resolve('done')), 'done');
    assert.deepEqual(sleeps, [5000]);
    limiter.succeeded('r.example');
    const afterOne = limiter.gapFor('r.example');
    assert.ok(afterOne < 20 && afterOne > 10, `gap ${afterOne}`);
    for (let i = 0; i < 100; i += 1) limiter.succeeded('r.example');
    assert.equal(limiter.gapFor('r.example'), 10);
    await limiter.stop();
  });

  it('spreads pull-counting requests when the quota runs low and stops at the reserve', async () => {
    let now = 0;
    const limiter = new HostLimiter({ now: () => now, pullReserve: 2 });
    assert.equal(limiter.takePull('hub'), true);
    limiter.recordQuota('hub', { remaining: 100, windowSeconds: 21600 });
    assert.equal(limiter.takePull('hub'), true);
    assert.equal(limiter.takePull('hub'), true);
    now = 1_000_000;
    // 4 left in a 400 s window: one pull per 100 s.
    limiter.recordQuota('hub', { remaining: 4, windowSeconds: 400 });
    assert.equal(limiter.takePull('hub'), true);
    assert.equal(limiter.takePull('hub'), false);
    now += 100_000;
    assert.equal(limiter.takePull('hub'), true);
    now += 1_000_000;
    assert.equal(limiter.takePull('hub'), false, 'at the reserve');
    await limiter.stop();
  });
});
