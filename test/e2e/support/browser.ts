import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags of @sparticuz/chromium left out: the headless mode, which Playwright sets itself; one
 * process for everything, with which closing a test's browser context ends the whole browser; and
 * those that would weaken what the browser tests check (they exist for serverless hosts; with them
 * the page's same-origin rules and mixed-content blocking would not be those of a person's browser).
 */
const DROPPED_FLAGS = [
  '--headless',
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
];

/**
 * A real headless Chromium: the binary npm's @sparticuz/chromium ships (pinned in package.json),
 * unpacked by that package into the temporary directory on first use, driven by playwright-core.
 * It brings the shared libraries it needs, so the machine needs no browser installed and no root.
 */
export function launchChromium(): Promise<Browser> {
  const { executablePath, args } = JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'chromium-launch.mjs')], {
      encoding: 'utf8',
    }),
  ) as { executablePath: string; args: string[] };
  return chromium.launch({
    executablePath,
    args: args.filter(
      (flag) => !DROPPED_FLAGS.some((dropped) => flag.startsWith(dropped)),
    ),
    headless: true,
  });
}
