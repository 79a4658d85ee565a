/**
 * What every browser suite starts with: `qalqan serve --demo` on a copy of the run's demo world
 * (test/support/demo-world.ts; the server's own demo load then only confirms it, in well under a
 * second, instead of building it), one Chromium, and pages opened the same way — a fresh context
 * per page that collects uncaught exceptions and CSP violations — all closed by `close()`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DemoCredentials } from '../../../src/demo/demo.js';
import { type ServerProcess, startServer } from '../../support/cli.js';
import { copyDemoWorld, type DemoWorldCopy } from '../../support/demo-world.js';
import { launchChromium } from './chromium.js';
import { ensureWebBuilt } from './web-build.js';

export interface OpenedPage {
  readonly page: Page;
  /** Uncaught exceptions and CSP violations seen by the page. */
  readonly problems: string[];
}

export interface PageOptions {
  readonly locale?: string;
  readonly width?: number;
  readonly height?: number;
}

export interface DemoInBrowser {
  readonly base: string;
  readonly demo: DemoCredentials;
  readonly browser: Browser;
  readonly server: ServerProcess;
  /** The served copy's data dir (its SQLite database, credentials and keys). */
  readonly dataDir: string;
  /** A page in a context of its own (locale, viewport, Asia/Almaty time zone). */
  openPage(options?: PageOptions): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** Starts the server and Chromium; `width` is the suite's default viewport width. */
export async function startDemoInBrowser(
  defaults: { width: number } = { width: 1280 },
): Promise<DemoInBrowser> {
  ensureWebBuilt();
  const contexts: BrowserContext[] = [];
  let world: DemoWorldCopy | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    for (const context of contexts.splice(0)) await context.close();
    await browser?.close();
    await server?.stop();
    await world?.remove();
  };
  try {
    world = await copyDemoWorld();
    server = await startServer(['--data-dir', world.dataDir, '--demo'], {}, 240_000);
    browser = await launchChromium();
  } catch (error) {
    await close();
    throw error;
  }
  const opened = browser;
  return {
    base: server.baseUrl,
    demo: world.demo,
    browser: opened,
    server,
    dataDir: world.dataDir,
    async openPage(options = {}) {
      const context = await opened.newContext({
        locale: options.locale ?? 'en-US',
        viewport: { width: options.width ?? defaults.width, height: options.height ?? 900 },
        deviceScaleFactor: 1,
        timezoneId: 'Asia/Almaty',
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
      });
      return { page, problems };
    },
    close,
  };
}
