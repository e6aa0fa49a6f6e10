/**
 * `tagpilot scan` end to end through `main`, against Debian's real docker-registry: policy
 * ordering, digests and build times, JSON output, the request summary, exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeImage, Pusher } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { runCli } from '../support/cli.js';

describe('tagpilot scan', () => {
  let registry: RealRegistry;
  let cwd: string;

  before(async () => {
    registry = await startRealRegistry({ kind: 'none' });
    const pusher = new Pusher(registry.url);
    const times = ['2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z', '2024-02-01T00:00:00Z'];
    const tags = ['1.2.0', '1.10.0', '1.9.3'];
    for (const [i, tag] of tags.entries())
      await pusher.pushImage('demo/app', makeImage(times[i] ?? '', 'linux/amd64', tag), [tag]);
    await pusher.pushImage('demo/app', makeImage('2023-01-01T00:00:00Z', 'linux/amd64', 'dev'), [
      'dev-abc',
    ]);
    cwd = await mkdtemp(join(tmpdir(), 'tagpilot-scan-cli-'));
    await writeFile(
      join(cwd, 'tagpilot.yaml'),
      `registries:\n  hosts:\n    "${registry.host}":\n      insecure: true\ncache:\n  dir: ${join(cwd, 'cache')}\n`,
    );
  });
  after(async () => registry.stop());

  const run = (args: string[]): ReturnType<typeof runCli> =>
    runCli(['--config', join(cwd, 'tagpilot.yaml'), ...args], { cwd });

  it('orders tags by semver, prints JSON with a request summary', async () => {
    const result = await run([
      'scan',
      `${registry.host}/demo/app`,
      '--policy',
      'semver:>=1.0.0',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      tags: { tag: string }[];
      total: number;
      matched: number;
      requests: { requests: number };
    };
    assert.deepEqual(
      report.tags.map((row) => row.tag),
      ['1.10.0', '1.9.3', '1.2.0'],
    );
    assert.equal(report.total, 4);
    assert.equal(report.matched, 3);
    // semver needs no metadata: one tag-list request.
    assert.equal(report.requests.requests, 1);
  });

  it('orders by build time with dates, and the table ends with the request summary', async () => {
    const result = await run(['scan', `${registry.host}/demo/app`, '--policy', 'glob:1.*']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^TAG\s+DIGEST\s+CREATED\s+PUSHED$/);
    assert.deepEqual(
      lines.slice(1, 4).map((line) => line.split(/\s+/)[0]),
      ['1.10.0', '1.9.3', '1.2.0'],
    );
    assert.match(lines[1] ?? '', /sha256:[0-9a-f]{12}\s+2024-03-01T00:00:00.000Z/);
    assert.match(
      lines.at(-1) ?? '',
      /^3 of 4 tags match glob:1\.\*; \d+ requests \(127\.0\.0\.1:\d+=\d+\)/,
    );
  });

  it('exits 1 with a message naming the repository when it does not exist, 2 for a bad policy', async () => {
    const missing = await run(['scan', `${registry.host}/demo/none`]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      new RegExp(`${registry.host}/demo/none: repository not found \\(HTTP 404\\)`),
    );
    const bad = await run(['scan', `${registry.host}/demo/app`, '--policy', 'semver:not a range']);
    assert.equal(bad.code, 2);
  });
});
