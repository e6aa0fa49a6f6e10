/**
 * The status page in a real browser (issue 17): Debian's Chromium, driven by playwright-core,
 * against the demo repository automated by real cycles on Debian's docker-registry and git
 * http-backend (test/support/status-page/), served by the real HTTP servers. One browser for the
 * file; every request the page makes is recorded and must stay on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildStatusPage } from '../../scripts/build-status-page.js';
import {
  isLoopback,
  launchChromium,
  openRecorded,
  type RecordedPage,
} from '../support/status-page/browser.js';
import { XSS, XSS_IMG } from '../support/status-page/demo-world.js';
import {
  REPOSITORY_NAME,
  startServedDemo,
  type ServedDemo,
} from '../support/status-page/served-demo.js';

/** The page polls every 3 s; allow a few polls on a loaded machine. */
const LIVE_TIMEOUT = 20_000;

describe('status page in Chromium', () => {
  let out: string;
  let demo: ServedDemo;
  let browser: Browser;
  let recorded: RecordedPage;
  let page: Page;
  before(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'tagpilot-page-'));
    const [, served, launched] = await Promise.all([
      buildStatusPage(out),
      startServedDemo({ statusPageDir: out }),
      launchChromium(),
    ]);
    demo = served;
    browser = launched;
    recorded = await openRecorded(browser);
    page = recorded.page;
  });
  after(async () => {
    await recorded.close();
    await browser.close();
    await demo.stop();
    await rm(out, { recursive: true, force: true });
  });

  it("shows the demo's repository and its last commit on the overview", async () => {
    await page.goto(demo.pageUrl);
    const repository = page.getByRole('region', { name: new RegExp(`^${REPOSITORY_NAME}`) });
    await repository.getByRole('heading', { level: 2 }).waitFor();
    const [last] = (await demo.status()).repositories[0]?.commits ?? [];
    assert.ok(last, 'the first cycle committed');
    assert.match(last.subject, /update api to 1\.4\.3, worker to 2\.0\.1/);
    const commits = repository.getByRole('table');
    assert.equal(await commits.getByRole('cell', { name: last.sha.slice(0, 7) }).count(), 1);
    assert.equal(await commits.getByRole('cell', { name: last.subject }).count(), 1);
    assert.match(await repository.innerText(), /Last cycle\s+unchanged by git webhook/);
    assert.match(await repository.innerText(), /1 pending · 1 held · 2 locked/);
  });

  it('lists the workloads with their states, and filters them', async () => {
    await page.getByRole('link', { name: 'Workloads' }).click();
    const table = page.getByRole('table');
    await table.waitFor();
    const rows: string[][] = [];
    for (const row of await table.locator('tbody tr').all())
      rows.push((await row.locator('th, td').allInnerTexts()).map((text) => text.trim()));
    const byWorkload = new Map(rows.map((cells) => [cells[0], cells]));
    assert.deepEqual(
      [...byWorkload.keys()].sort(),
      [
        'shop:deployment/api',
        'shop:deployment/billing',
        'shop:deployment/worker',
        `shop:deployment/${XSS}`,
      ].sort(),
    );
    // workload, state, current, best, policy, container, repository, file, image
    const api = byWorkload.get('shop:deployment/api');
    assert.deepEqual(api?.slice(1, 8), [
      'pending',
      '1.4.3',
      '1.4.4',
      'semver:~1.4',
      'api',
      'demo',
      'apps/api.yaml:16',
    ]);
    assert.equal(byWorkload.get('shop:deployment/billing')?.[1], 'locked by ann@example.com');
    assert.match(
      byWorkload.get('shop:deployment/worker')?.[1] ?? '',
      /^held rolled back in [0-9a-f]{7}$/,
    );

    await page.getByLabel('State').selectOption('locked');
    await page.getByText('2 of 4 image slots').waitFor();
    assert.match(page.url(), /#\/workloads\?state=locked$/);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Search').fill('worker 2.0.0');
    await page.getByText('2 of 4 image slots').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByText('4 of 4 image slots').waitFor();
  });

  it('opens the full explanation from the keyboard and closes it with Escape', async () => {
    const open = page.getByRole('button', { name: 'shop:deployment/api', exact: true });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'shop:deployment/api/api' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, /policy:\s+semver:~1\.4 from tagpilot\.io\/tag\.api/);
    assert.match(text, /winner:\s+1\.4\.4/);
    assert.match(text, /runner-up:\s+1\.4\.3/);
    assert.match(page.url(), /slot=shop%3Adeployment%2Fapi%2Fapi/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'shop:deployment/api');
  });

  it('renders HTML from manifests as text', async () => {
    const cell = page.getByRole('rowheader', { name: `shop:deployment/${XSS}` });
    assert.equal(await cell.innerText(), `shop:deployment/${XSS}`);
    const row = page.locator('tbody tr', { has: cell });
    assert.equal(await row.locator('td').first().innerText(), `locked by ${XSS_IMG}`);
    await cell.getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(`locked by ${XSS_IMG}: ${XSS}`));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.locator('script').count(), 1, 'only the bundle is a script');
    assert.equal(await page.locator('img').count(), 0, 'no element was injected');
    assert.ok(!recorded.problems.some((p) => p.startsWith('dialog')), recorded.problems.join('\n'));
  });

  it('shows the commit of a new tag after a registry webhook, without a reload', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.evaluate("window.marker = 'same document'");
    await demo.world.push('acme/api', ['1.4.5']);
    assert.equal(await demo.notify('acme/api', 'status-page-1'), 202);
    const newCommit = page.getByRole('cell', { name: 'chore(images): update api to 1.4.5' });
    await newCommit.waitFor({ timeout: LIVE_TIMEOUT });
    const sha = (await demo.world.log())[0]?.split('\t')[0] ?? '';
    assert.equal(await page.getByRole('cell', { name: sha.slice(0, 7), exact: true }).count(), 1);
    assert.equal(await page.evaluate('window.marker'), 'same document');
    // The webhook-triggered commit has a trigger-to-commit time, so the chart appears.
    await page.getByRole('img', { name: /trigger-to-commit latency/ }).waitFor();
  });

  it('fits a phone: only the table scrolls sideways, inside a focusable region', async () => {
    const phone = await openRecorded(browser, { viewport: { width: 390, height: 844 } });
    try {
      await phone.page.goto(`${demo.pageUrl}#/workloads`);
      const region = phone.page.getByRole('region', { name: /Image slots/ });
      await region.waitFor();
      assert.ok(
        Number(await phone.page.evaluate('document.documentElement.scrollWidth')) <= 390,
        'the page itself is no wider than the screen',
      );
      const sizes = await phone.page.evaluate(
        "(() => { const el = document.querySelector('[aria-labelledby=workloads-caption]'); return [el.scrollWidth, el.clientWidth]; })()",
      );
      const [scrollWidth = 0, clientWidth = 0] = sizes as number[];
      assert.ok(scrollWidth > clientWidth, 'the table scrolls within its region');
      assert.equal(await region.getAttribute('tabindex'), '0');
      assert.deepEqual(phone.problems, []);
    } finally {
      await phone.close();
    }
  });

  it('logged no console error and made no request beyond loopback', () => {
    assert.deepEqual(recorded.problems, []);
    assert.ok(recorded.requests.length >= 4, 'page, script, style and the status API');
    assert.deepEqual(
      recorded.requests.filter((url) => !isLoopback(url)),
      [],
    );
    assert.ok(recorded.requests.some((url) => url.endsWith('/api/v1/status')));
  });
});
