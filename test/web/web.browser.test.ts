/**
 * The web app in a real browser: Debian's Chromium, driven by playwright-core, against the real
 * server (`qalqan serve` from source) serving the built `web/dist`. The transparency log's
 * verification is also exercised on a log built in the test (support/tlog-fixture.ts), served
 * through Playwright routes, so it is covered whatever state the server's own log is in.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveChromium,
  horizontalOverflow,
  htmlLang,
  noteMissingChromium,
  saveScreenshot,
  writeScreenshots,
} from './support/chromium.js';
import { axeFindings, describeFindings, expectNoAxeViolations } from './support/axe.js';
import { buildTlogFixture, type TlogFixture } from './support/tlog-fixture.js';
import { type DemoInBrowser, type PageOptions, startDemoInBrowser } from './support/demo-server.js';

noteMissingChromium('web browser tests');

const FIXED_TIME = new Date('2026-11-25T09:30:00Z');

/**
 * The browser globals that the functions run inside the page read. This file compiles with the
 * server's tsconfig, without the DOM library (adding it would let browser types leak into server
 * code), so they are described here and reached through `globalThis` in the page.
 */
interface InPage {
  readonly document: {
    readonly documentElement: { lang: string; scrollWidth: number; clientWidth: number };
    readonly activeElement: InPageElement | null;
    readonly body: InPageElement;
  };
  readonly localStorage: { getItem(key: string): string | null };
  getComputedStyle(element: InPageElement): { outlineStyle: string; outlineWidth: string };
}
interface InPageElement {
  readonly id: string;
  readonly innerText: string;
}

const rememberedLanguage = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as InPage).localStorage.getItem('qalqan.language'));

const focusedId = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id);

/** The focused element's text and focus outline, or undefined once focus has left the page. */
const focusedStop = (page: Page) =>
  page.evaluate(() => {
    const window = globalThis as unknown as InPage;
    const element = window.document.activeElement;
    if (!element || element === window.document.body) return undefined;
    const style = window.getComputedStyle(element);
    return {
      text: element.innerText.trim().replace(/\s+/g, ' '),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });

// Generous per-test time: the suite shares two cores with the rest of CI.
describe.skipIf(!haveChromium)('web app in Chromium', { timeout: 120_000 }, () => {
  let demoServer: DemoInBrowser;
  let base: string;

  beforeAll(async () => {
    // A copy of the run's demo world, served; the first suite to ask builds it (a while under load).
    demoServer = await startDemoInBrowser();
    base = demoServer.base;
  }, 400_000);

  afterAll(async () => {
    await demoServer?.close();
  });

  const openPage = (options?: PageOptions) => demoServer.openPage(options);

  /** Serves the fixture log at the ledger's URLs, as the ledger module will. */
  async function serveLog(
    page: Page,
    log: TlogFixture,
    overrides: {
      proof?: (index: number) => { status: number; body: unknown } | undefined;
      checkpoint?: { status: number; body: unknown };
    } = {},
  ): Promise<void> {
    await page.route('**/ledger/checkpoint', (route) =>
      overrides.checkpoint
        ? route.fulfill({
            status: overrides.checkpoint.status,
            contentType: 'application/problem+json',
            body: JSON.stringify(overrides.checkpoint.body),
          })
        : route.fulfill({ contentType: 'text/plain; charset=utf-8', body: log.checkpoint }),
    );
    await page.route('**/ledger/vkey', (route) =>
      route.fulfill({ contentType: 'text/plain; charset=utf-8', body: `${log.vkey}\n` }),
    );
    await page.route('**/ledger/tile/entries/**', (route) => {
      const tile = new URL(route.request().url()).pathname.replace(/^\/ledger\//, '');
      const bundle = log.bundle(tile);
      return bundle
        ? route.fulfill({ contentType: 'application/octet-stream', body: bundle })
        : route.fulfill({
            status: 404,
            contentType: 'application/problem+json',
            body: JSON.stringify({ title: 'No such resource', status: 404, detail: tile }),
          });
    });
    await page.route(
      (url) => url.pathname === '/v1/ledger/proof/inclusion',
      (route) => {
        const index = Number(new URL(route.request().url()).searchParams.get('index'));
        const override = overrides.proof?.(index);
        return route.fulfill({
          status: override?.status ?? 200,
          contentType:
            override && override.status >= 400 ? 'application/problem+json' : 'application/json',
          body: JSON.stringify(override?.body ?? log.inclusionProof(index)),
        });
      },
    );
  }

  async function verifyIndex(page: Page, index: string): Promise<void> {
    await page.getByLabel('Entry index').fill(index);
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  it('serves the home page with live status from /healthz and /readyz under the server CSP', async () => {
    const { page, problems } = await openPage();
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await page.getByRole('heading', { level: 1, name: 'Qalqan' }).waitFor();
    for (const endpoint of ['/healthz', '/readyz']) {
      await page.locator(`[data-endpoint="${endpoint}"] .badge`, { hasText: 'Working' }).waitFor();
    }
    expect(await page.title()).toBe('Qalqan — service status');
    expect(await htmlLang(page)).toBe('en');
    expect(
      await page.getByRole('link', { name: 'API documentation' }).first().getAttribute('href'),
    ).toBe('/docs');
    expect(
      await page.getByRole('link', { name: 'OpenAPI description' }).first().getAttribute('href'),
    ).toBe('/openapi.json');
    // Landmarks a screen reader jumps between.
    for (const role of ['banner', 'main', 'contentinfo'] as const) {
      expect(await page.getByRole(role).count(), role).toBe(1);
    }
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    await expectNoAxeViolations(page, 'home');
    expect(problems).toEqual([]);
  });

  it('opens deep links through the SPA fallback and shows unknown pages as not found', async () => {
    const { page, problems } = await openPage();
    expect((await page.goto(`${base}/transparency`))?.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Transparency log' }).waitFor();
    expect((await page.goto(`${base}/no/such/page`))?.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByRole('heading', { level: 2, name: 'Service status' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(problems).toEqual([]);
  });

  it('starts in the browser language, switches between Kazakh, Russian and English and remembers', async () => {
    const { page } = await openPage({ locale: 'ru-RU' });
    await page.goto(`${base}/`);
    await page.getByRole('heading', { level: 2, name: 'Состояние сервиса' }).waitFor();
    expect(await htmlLang(page)).toBe('ru');

    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { level: 2, name: 'Қызмет күйі' }).waitFor();
    expect(await htmlLang(page)).toBe('kk');
    expect(await page.getByRole('button', { name: 'Қазақша' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await page.title()).toBe('Qalqan — қызмет күйі');
    await page
      .locator('[data-endpoint="/readyz"] .badge', { hasText: 'Жұмыс істеп тұр' })
      .waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Қызмет күйі' }).waitFor();
    expect(await rememberedLanguage(page)).toBe('kk');

    await page
      .getByRole('navigation', { name: 'Негізгі мәзір' })
      .getByRole('link', { name: 'Ашықтық журналы' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Ашықтық журналы' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/transparency');

    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Журнал прозрачности' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Transparency log' }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.title()).toBe('Qalqan — transparency log');
  });

  it('is usable from the keyboard: skip link, navigation, language switcher, links, visible focus', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { level: 1, name: 'Qalqan' }).waitFor();

    // Tab through the whole page, until focus leaves it.
    const stops: { text: string; outline: string }[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const stop = await focusedStop(page);
      if (!stop) break;
      stops.push(stop);
    }
    const texts = stops.map((stop) => stop.text);
    expect(texts[0]).toBe('Skip to main content');
    for (const expected of [
      'Qalqan Personal-data access control',
      'Home',
      'Transparency log',
      'Қазақша',
      'Русский',
      'English',
      'Check again',
      'API documentation',
      'OpenAPI description',
    ]) {
      expect(texts, expected).toContain(expected);
    }
    // The header (navigation, then languages) comes before the page's own controls.
    expect(texts.indexOf('Home')).toBeLessThan(texts.indexOf('Қазақша'));
    expect(texts.indexOf('English')).toBeLessThan(texts.indexOf('Check again'));
    // Every stop shows a focus ring.
    for (const stop of stops) expect(stop.outline, stop.text).toBe('solid 3px');

    // Languages switch from the keyboard too.
    await page.getByRole('button', { name: 'Русский' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Состояние сервиса' }).waitFor();

    // The skip link moves focus past the header.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Qalqan' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('main');
  });

  it('verifies entries of the server’s own log end to end', async () => {
    const { page, problems } = await openPage();
    // The demo world the server was started with has written entries to the log.
    const [origin, sizeText] = (await (await fetch(`${base}/ledger/checkpoint`)).text()).split(
      '\n',
    );
    const size = Number(sizeText);
    expect(size).toBeGreaterThan(1);

    await page.goto(`${base}/transparency`);
    await page.locator('[data-signature="verified"]').waitFor();
    expect(await page.locator('[data-state="checkpoint"]').innerText()).toContain(origin);
    expect(await page.locator('pre.command').innerText()).toBe(
      `qalqan ledger verify --url ${base}`,
    );
    for (const index of [0, size - 1]) {
      await verifyIndex(page, String(index));
      await page
        .locator('[data-verified="true"]', { hasText: `entry ${index} is in the log` })
        .waitFor();
    }
    expect(problems).toEqual([]);
  });

  it('says "no log yet" when the server publishes no checkpoint', async () => {
    const { page } = await openPage({ locale: 'kk-KZ' });
    await page.route('**/ledger/checkpoint', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'No such resource', status: 404, detail: 'No log.' }),
      }),
    );
    await page.goto(`${base}/transparency`);
    const panel = page.locator('[data-state="no-log"]');
    await panel.getByRole('heading', { name: 'Журнал әлі жоқ' }).waitFor();
    expect(await page.locator('#entry-index').count()).toBe(0);
    await expectNoAxeViolations(page, 'transparency without a log, in Kazakh');
  });

  it('verifies a checkpoint signature and inclusion proofs in the browser', async () => {
    const log = buildTlogFixture(300);
    const { page, problems } = await openPage();
    await serveLog(page, log);
    await page.goto(`${base}/transparency`);
    await page.locator('[data-signature="verified"]').waitFor();
    const panel = page.locator('[data-state="checkpoint"]');
    expect(await panel.locator('[data-field="size"]').innerText()).toBe('300 entries');
    expect(await panel.locator('[data-field="root-hex"]').innerText()).toBe(
      log.rootHash.toString('hex'),
    );
    expect(await panel.innerText()).toContain(log.vkey);

    // Entries in the full first bundle, the partial second one, and the very last entry.
    for (const index of [0, 255, 257, 299]) {
      await verifyIndex(page, String(index));
      const verdict = page.locator('[data-verified]');
      await verdict.filter({ hasText: `entry ${index} is in the log` }).waitFor();
      expect(await verdict.getAttribute('data-verified')).toBe('true');
      expect(await page.locator('.proof-path > li').count()).toBe(
        log.inclusionProof(index).hashes.length,
      );
    }
    expect(problems).toEqual([]);
  });

  it('verifies no entry against a checkpoint whose signature or origin fails', async () => {
    const genuine = buildTlogFixture(40);
    // One bit of the signature changed: the tree and its proofs are intact, only the signature fails.
    const signature = /^(\u2014 \S+ )(\S+)$/m.exec(genuine.checkpoint)!;
    const bytes = Buffer.from(signature[2]!, 'base64');
    bytes[10]! ^= 1;
    const forged = {
      ...genuine,
      checkpoint: genuine.checkpoint.replace(signature[2]!, bytes.toString('base64')),
    };
    const foreign = buildTlogFixture(40, 'other.example/log', 'qalqan.example/log');
    for (const [log, outcome, text] of [
      [forged, 'invalid', 'The signature does NOT match the published key.'],
      [
        foreign,
        'origin_mismatch',
        'The checkpoint is signed by the published key but names another log.',
      ],
    ] as const) {
      const { page } = await openPage();
      await serveLog(page, log);
      await page.goto(`${base}/transparency`);
      await page.locator(`[data-signature="${outcome}"]`, { hasText: text }).waitFor();
      await verifyIndex(page, '3');
      const verdict = page.locator('[data-verified]');
      await verdict.filter({ hasText: 'entry 3 could not be proved' }).waitFor();
      expect(await verdict.getAttribute('data-verified')).toBe('false');
      expect(await verdict.innerText()).toContain('the checkpoint’s signature was not verified');
    }
  });

  it('explains failed proofs, bad input and API problems instead of showing a blank page', async () => {
    const log = buildTlogFixture(40);
    const tampered = log.inclusionProof(5);
    tampered.hashes[1] = Buffer.alloc(32, 7).toString('base64');
    const { page } = await openPage();
    await serveLog(page, log, {
      proof: (index) => {
        if (index === 5) return { status: 200, body: tampered };
        if (index === 6) {
          return {
            status: 500,
            body: {
              title: 'Internal error',
              status: 500,
              detail:
                'Something went wrong on our side. Quote request id req-42 when reporting it.',
              code: 'server.internal',
              requestId: 'req-42',
            },
          };
        }
        // A proof for another entry, and a proof one hash short.
        if (index === 7) return { status: 200, body: log.inclusionProof(8) };
        if (index === 9) {
          const short = log.inclusionProof(9);
          return { status: 200, body: { ...short, hashes: short.hashes.slice(1) } };
        }
        return undefined;
      },
    });
    await page.goto(`${base}/transparency`);
    await page.locator('[data-signature="verified"]').waitFor();

    await verifyIndex(page, 'abc');
    await page.getByText('Enter a whole number from 0 to 39.').waitFor();
    expect(await page.getByLabel('Entry index').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'transparency, an index refused');
    await verifyIndex(page, '40');
    await page.getByText('Enter a whole number from 0 to 39.').waitFor();

    await verifyIndex(page, '5');
    await page
      .locator('[data-verified="false"]', {
        hasText: 'The proof does not lead to the checkpoint’s root hash.',
      })
      .waitFor();

    await verifyIndex(page, '9');
    await page
      .locator('[data-verified="false"]', {
        hasText: 'The proof has the wrong number of hashes for this tree.',
      })
      .waitFor();

    await verifyIndex(page, '7');
    const mixedUp = page.locator('.proof-output [role="alert"]', {
      hasText: 'The server’s answer could not be read.',
    });
    await mixedUp.waitFor();
    expect(await mixedUp.innerText()).toContain('asked for entry 7 in a tree of 40, got 8 in 40');

    await verifyIndex(page, '6');
    const alert = page.locator('.proof-output [role="alert"]');
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('Internal error');
    expect(text).toContain('Quote request id req-42');
    expect(text).toContain('server.internal');
    await expectNoAxeViolations(page, 'transparency, a problem from the server');

    const { page: down } = await openPage();
    await serveLog(down, log, {
      checkpoint: {
        status: 503,
        body: {
          title: 'Service unavailable',
          status: 503,
          detail: 'The ledger is catching up.',
          code: 'server.unavailable',
        },
      },
    });
    await down.goto(`${base}/transparency`);
    const problem = down.locator('[role="alert"]');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('The ledger is catching up.');
  });

  it('audits pages with axe-core, naming each rule broken, where, and what it asks', async () => {
    // A page with three faults the audit must name: pale text, a field without a label, and a
    // label ARIA does not allow on a <pre> (a finding axe leaves for review, which fails too).
    const { page } = await openPage();
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Faults</title></head><body><main>' +
        '<h1>Faults</h1><p style="color: #aaa; background: #fff">Pale text</p>' +
        '<input id="unlabelled"><pre aria-label="A command">qalqan ledger verify</pre>' +
        '</main></body></html>',
    );
    const found = describeFindings(await axeFindings(page));
    expect(found).toEqual([
      expect.stringMatching(
        /^color-contrast \(serious\): Elements must meet minimum color contrast ratio thresholds — p: .*contrast of 2\.32/,
      ),
      expect.stringMatching(/^label \(critical\): Form elements must have labels — #unlabelled: /),
      expect.stringMatching(/^needs review: aria-prohibited-attr \(serious\): .* — pre/),
    ]);
  });

  it('fits a 360 × 740 phone screen without sideways scrolling', async () => {
    const log = buildTlogFixture(300);
    for (const locale of ['en-US', 'ru-RU', 'kk-KZ']) {
      const { page } = await openPage({ locale, width: 360, height: 740 });
      await page.goto(`${base}/`);
      await page.locator('[data-endpoint="/readyz"] .badge.badge-done').waitFor();
      expect(await horizontalOverflow(page), `home ${locale}`).toBe(0);

      await serveLog(page, log);
      await page.goto(`${base}/transparency`);
      await page.locator('[data-signature="verified"]').waitFor();
      await page.locator('#entry-index').fill('257');
      await page.locator('.proof-form button[type="submit"]').click();
      await page.locator('[data-verified="true"]').waitFor();
      expect(await horizontalOverflow(page), `transparency ${locale}`).toBe(0);
      if (locale === 'ru-RU')
        await expectNoAxeViolations(page, 'transparency on a phone, in Russian');
    }
  });

  it(`takes the README screenshots (English)${writeScreenshots ? ' into docs/screenshots' : ''}`, async () => {
    const log = buildTlogFixture(300);
    const { page } = await openPage({ width: 1200, height: 900 });
    // A fixed origin and clock keep the images identical from run to run: the page is loaded as
    // http://localhost (a secure context, so WebCrypto works) and every request is forwarded to
    // the real server, whose port changes each run and would otherwise show in the text.
    await page.clock.setFixedTime(FIXED_TIME);
    await page.route('http://localhost/**', async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${base}${url.pathname}${url.search}` });
      await route.fulfill({ response });
    });
    await serveLog(page, log);

    await page.goto('http://localhost/');
    await page.locator('[data-endpoint="/readyz"] .badge.badge-done').waitFor();
    await page.locator('[data-endpoint="/healthz"] .badge.badge-done').waitFor();
    const home = await page.screenshot({ fullPage: true });

    await page.goto('http://localhost/transparency');
    await page.locator('[data-signature="verified"]').waitFor();
    await verifyIndex(page, '257');
    await page.locator('[data-verified="true"]').waitFor();
    const transparency = await page.screenshot({ fullPage: true });

    for (const image of [home, transparency]) {
      expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(image.readUInt32BE(16)).toBe(1200);
    }
    saveScreenshot('home.png', home);
    saveScreenshot('transparency.png', transparency);
  });
});
