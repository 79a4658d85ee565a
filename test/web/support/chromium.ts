/**
 * One Chromium launch for every browser suite and benchmark: Debian's /usr/bin/chromium driven by
 * playwright-core, headless, with the flags that keep it off Google's services. Also the screenshot
 * switch (QALQAN_SCREENSHOTS=1, docs/TESTING.md) and the in-page probes the suites share.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

// The repository, three folders up. Not imported from test/support/cli.ts, which loads the
// whole CLI (and so every module) into a browser suite or benchmark that needs none of it.
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const CHROMIUM = '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach Google's services,
// which this project's machines (and many CI runners) cannot; each attempt is just noise.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const haveChromium = existsSync(CHROMIUM);

/** Logs once per suite why it is skipped when there is no Chromium. */
export function noteMissingChromium(suite: string): void {
  if (!haveChromium)
    console.log(
      `\n${suite}: SKIPPED (no Chromium at ${CHROMIUM}; run \`apt-get install chromium\` to run them)\n`,
    );
}

/**
 * Launches Chromium. Playwright gives every launch a fresh temporary --user-data-dir of its own
 * (it refuses one in `args`), so no profile state leaks between runs.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');
/**
 * The README images are rewritten only when asked (docs/TESTING.md): an ordinary run renders the
 * pages and leaves the committed files alone.
 */
export const writeScreenshots = process.env.QALQAN_SCREENSHOTS === '1';

/** Writes `docs/screenshots/<name>` when screenshots are asked for; otherwise does nothing. */
export function saveScreenshot(name: string, png: Buffer): void {
  if (!writeScreenshots) return;
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(path.join(screenshotDir, name), png);
}

/**
 * The browser globals the probes below read. Test files compile with the server's tsconfig,
 * without the DOM library (adding it would let browser types leak into server code), so they are
 * described here and reached through `globalThis` in the page.
 */
interface InPage {
  readonly document: {
    readonly documentElement: { lang: string; scrollWidth: number; clientWidth: number };
    readonly activeElement: { readonly innerText: string } | null;
  };
}

/** How far the page is wider than the viewport: anything above 0 means sideways scrolling. */
export const horizontalOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const root = (globalThis as unknown as InPage).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

export const htmlLang = (page: Page): Promise<string> =>
  page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.lang);

/** The focused element's visible text, trimmed ('' when nothing is focused). */
export const focusedText = (page: Page): Promise<string> =>
  page.evaluate(
    () => (globalThis as unknown as InPage).document.activeElement?.innerText.trim() ?? '',
  );
