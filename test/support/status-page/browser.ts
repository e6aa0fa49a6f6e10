/**
 * Debian's Chromium driven by playwright-core (no browser download: `executablePath`), headless,
 * with background networking off (on this closed network Chromium's own connections would fail,
 * and no test may reach the internet) and a fresh profile per launch. Every request a page makes,
 * every console error, uncaught exception and dialog (`alert()`) is recorded for assertions.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--no-proxy-server',
];

export function launchChromium(): Promise<Browser> {
  // launch() gives every run a new, empty user-data-dir of its own.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface RecordedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** Console errors, uncaught exceptions and dialogs, as text. */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function openRecorded(
  browser: Browser,
  options: {
    readonly viewport?: { width: number; height: number };
    readonly httpCredentials?: { username: string; password: string };
  } = {},
): Promise<RecordedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 860 },
    ...(options.httpCredentials === undefined ? {} : { httpCredentials: options.httpCredentials }),
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, requests, problems, close: () => context.close() };
}

/** True for URLs whose host is the loopback interface. */
export function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}
