/**
 * Regenerates the screenshots in docs/status-page.md: the demo automated and served on loopback
 * (test/support/status-page/), the page opened in Debian's Chromium, the overview, workloads and
 * an explanation captured at desktop size and the workloads at phone size. Not part of the test
 * run: `npm run docs:screenshots`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStatusPage } from './build-status-page.js';
import { launchChromium, openRecorded } from '../test/support/status-page/browser.js';
import { startServedDemo } from '../test/support/status-page/served-demo.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs', 'images');

async function run(): Promise<void> {
  await buildStatusPage();
  await mkdir(OUT, { recursive: true });
  const demo = await startServedDemo();
  const browser = await launchChromium();
  try {
    const desktop = await openRecorded(browser, { viewport: { width: 1200, height: 900 } });
    const { page } = desktop;
    await page.goto(demo.pageUrl);
    await page.getByRole('heading', { name: /demo/ }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'status-page-overview.png'), fullPage: true });
    await page.getByRole('link', { name: 'Workloads' }).click();
    await page.getByRole('table').waitFor();
    await page.screenshot({ path: path.join(OUT, 'status-page-workloads.png'), fullPage: true });
    await page.getByRole('button', { name: 'shop:deployment/api' }).click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: path.join(OUT, 'status-page-explain.png') });
    await desktop.close();

    const phone = await openRecorded(browser, { viewport: { width: 390, height: 844 } });
    await phone.page.goto(`${demo.pageUrl}#/workloads`);
    await phone.page.getByRole('table').waitFor();
    await phone.page.screenshot({ path: path.join(OUT, 'status-page-phone.png') });
    await phone.close();
    const problems = [...desktop.problems, ...phone.problems];
    if (problems.length > 0) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
    process.stdout.write(`screenshots written to ${path.relative(ROOT, OUT)}/\n`);
  } finally {
    await browser.close();
    await demo.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
