/** Launches Debian's Chromium through playwright-core with the flags this machine needs (no network, root, no GPU). */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.REDSITE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`找不到 Chromium（${CHROMIUM}）：请先运行 bash .ci/run 安装系统依赖`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}
