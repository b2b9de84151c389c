/** Launches Debian's Chromium through playwright-core with the flags this machine needs (no network, root, no GPU). */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.REDSITE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

/**
 * How long a page action or wait may take before it counts as hung (playwright's own default is 30 s). Like every
 * time limit in the tests it detects hangs, not slowness: on a busy 2-core machine a page can take long to react.
 */
export const PAGE_TIMEOUT_MS = 180_000;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`找不到 Chromium（${CHROMIUM}）：请先运行 bash .ci/run 安装系统依赖`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
  // Every context (and so every page) of this browser gets the generous limit; browser.newPage makes its own context.
  const newContext = browser.newContext.bind(browser);
  const withLimit = async (options?: Parameters<Browser['newContext']>[0]) => {
    const context = await newContext(options);
    context.setDefaultTimeout(PAGE_TIMEOUT_MS);
    return context;
  };
  browser.newContext = withLimit;
  browser.newPage = async (options) => {
    const context = await withLimit(options);
    const page = await context.newPage();
    page.once('close', () => void context.close().catch(() => undefined));
    return page;
  };
  return browser;
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

/**
 * Collects the page's script errors and console errors into `errors` (a test ends with expect(errors).toEqual([])).
 * The console line Chromium writes for an answer of status 4xx is not one: the tests provoke refusals on purpose.
 */
export function collectPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
}
