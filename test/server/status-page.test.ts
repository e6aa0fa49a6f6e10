/**
 * The status page on the health port (issue 17): its headers (a strict CSP, no sniffing, no
 * framing), the status token as a bearer token or a browser's basic-auth password, hashed assets,
 * a clear answer when the page was not built, and the status API's ETag for polling.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildStatusPage, type BuiltPage } from '../../scripts/build-status-page.js';
import { STATUS_PAGE_CSP } from '../../src/server/index.js';
import { startHarness, type Harness } from '../support/webhooks/harness.js';

const TOKEN = 'page-token';
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('status page on the health port', () => {
  let out: string;
  let page: BuiltPage;
  let open: Harness;
  let guarded: Harness;
  before(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'tagpilot-page-'));
    page = await buildStatusPage(out);
    open = await startHarness({ statusPageDir: out });
    guarded = await startHarness({
      statusPageDir: out,
      files: { status: TOKEN, trigger: 'trigger-token' },
      server: { statusTokenFile: 'status', triggerTokenFile: 'trigger' },
    });
  });
  after(async () => {
    await open.close();
    await guarded.close();
    await rm(out, { recursive: true, force: true });
  });

  it('serves the page with a strict Content-Security-Policy and no inline script', async () => {
    const response = await fetch(`${open.servers.health.url}/status/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('content-security-policy'), STATUS_PAGE_CSP);
    assert.match(STATUS_PAGE_CSP, /script-src 'self'(;|$)/);
    assert.match(STATUS_PAGE_CSP, /require-trusted-types-for 'script'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const html = await response.text();
    assert.ok(html.includes(`src="assets/${page.js}"`), 'the script is the hashed asset');
    for (const script of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
      assert.match(script[0], /\ssrc="assets\//, 'every script is an external file');
      assert.equal(script[1], '', 'no script has a body');
    }
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=|<style/i);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from another origin');
  });

  it('serves hashed assets with their type and a long cache life; unknown ones are 404', async () => {
    const base = `${open.servers.health.url}/status/assets`;
    const js = await fetch(`${base}/${page.js}`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await js.arrayBuffer()).byteLength, page.jsBytes);
    const css = await fetch(`${base}/${page.css}`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    await css.arrayBuffer();
    const missing = await fetch(`${base}/app-000000000000.js`);
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
    const traversal = await fetch(`${base}/..%2F..%2Fpackage.json`);
    assert.equal(traversal.status, 404);
    await traversal.arrayBuffer();
  });

  it('leads / and /status to the page with relative redirects (a path prefix keeps working)', async () => {
    for (const [from, to] of [
      ['/', 'status/'],
      ['/status', 'status/'],
    ] as const) {
      const response = await fetch(`${open.servers.health.url}${from}`, { redirect: 'manual' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), to);
      await response.arrayBuffer();
    }
  });

  it('asks a browser for the status token with a basic-auth challenge', async () => {
    const url = `${guarded.servers.health.url}/status/`;
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="tagpilot"/);
    await anonymous.arrayBuffer();
    const wrong = await fetch(url, { headers: { authorization: basic('ann', 'nope') } });
    assert.equal(wrong.status, 401);
    await wrong.arrayBuffer();
    for (const authorization of [basic('ann', TOKEN), basic('', TOKEN), `Bearer ${TOKEN}`]) {
      const ok = await fetch(url, { headers: { authorization } });
      assert.equal(ok.status, 200, authorization);
      await ok.arrayBuffer();
    }
    const asset = await fetch(`${guarded.servers.health.url}/status/assets/${page.js}`);
    assert.equal(asset.status, 401, 'assets need the token too');
    await asset.arrayBuffer();
  });

  it('takes the password of basic auth for the status API, never for the manual trigger', async () => {
    const base = guarded.servers.health.url;
    const status = await fetch(`${base}/api/v1/status`, {
      headers: { authorization: basic('x', TOKEN) },
    });
    assert.equal(status.status, 200);
    await status.arrayBuffer();
    // A browser attaches remembered basic credentials to cross-site posts: no CSRF trigger.
    const trigger = await fetch(`${base}/api/v1/repositories/deploy/trigger`, {
      method: 'POST',
      headers: { authorization: basic('x', 'trigger-token') },
    });
    assert.equal(trigger.status, 401);
    await trigger.arrayBuffer();
  });

  it('answers an unchanged status with 304 to a poll that sends its ETag', async () => {
    const url = `${open.servers.health.url}/api/v1/status`;
    open.answers.status = { ...open.answers.status, generatedAt: new Date().toISOString() };
    const first = await fetch(url);
    const etag = first.headers.get('etag');
    assert.ok(etag !== null);
    await first.arrayBuffer();
    // Only generatedAt moved: still the same status.
    open.answers.status = { ...open.answers.status, generatedAt: new Date(1).toISOString() };
    const same = await fetch(url, { headers: { 'if-none-match': etag } });
    assert.equal(same.status, 304);
    open.answers.status = {
      ...open.answers.status,
      controller: { ...open.answers.status.controller, ready: false },
    };
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    await changed.arrayBuffer();
  });

  it('says how to build the page when it was not built', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'tagpilot-nopage-'));
    const h = await startHarness({ statusPageDir: path.join(empty, 'missing') });
    try {
      const response = await fetch(`${h.servers.health.url}/status/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build:status-page/);
    } finally {
      await h.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
