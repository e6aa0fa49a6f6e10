/**
 * The status page's build (scripts/build-status-page.ts): the JavaScript stays within its budget
 * of 100 KiB gzipped (issue 17; a size check of the built bundle, not a timing), carries no
 * HTML sink for data, and the output is deterministic.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildStatusPage, type BuiltPage } from '../../scripts/build-status-page.js';

const BUDGET_GZIP_BYTES = 100 * 1024;

describe('status page bundle', () => {
  let out: string;
  let page: BuiltPage;
  before(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'tagpilot-bundle-'));
    page = await buildStatusPage(out);
  });
  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('keeps the JavaScript under 100 KiB gzipped', () => {
    assert.ok(page.jsGzipBytes > 1000, 'the bundle has content');
    assert.ok(
      page.jsGzipBytes < BUDGET_GZIP_BYTES,
      `${page.jsGzipBytes} bytes gzipped, budget ${BUDGET_GZIP_BYTES}`,
    );
  });

  it('bundles no schema library and no HTML sink for data', async () => {
    const js = await readFile(path.join(out, 'assets', page.js), 'utf8');
    assert.doesNotMatch(js, /ZodError/, 'zod stays on the server (status-constants.ts)');
    // Preact's own innerHTML is reached only through dangerouslySetInnerHTML, which the page's
    // sources never use; the CSP's Trusted Types would refuse it anyway.
    const sources = path.join(import.meta.dirname, '../../src/status-page');
    for (const name of await readdir(sources)) {
      const text = await readFile(path.join(sources, name), 'utf8');
      assert.doesNotMatch(
        text,
        /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
        name,
      );
    }
  });

  it('builds the same files twice (content-hashed names, old assets removed)', async () => {
    const again = await buildStatusPage(out);
    assert.deepEqual([again.js, again.css, again.icon], [page.js, page.css, page.icon]);
    assert.deepEqual(
      (await readdir(path.join(out, 'assets'))).sort(),
      [page.css, page.icon, page.js].sort(),
    );
  });
});
