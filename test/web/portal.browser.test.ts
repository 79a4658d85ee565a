/**
 * The citizen portal in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * sign-in through the real OIDC code flow against the demo identity provider (oidc-provider),
 * answering a consent request, withdrawing a consent, the live inbox, languages, a 360-px phone
 * and a keyboard-only run. The server is the portal, consent and inbox modules on real SQLite
 * behind the real HTTP shell, serving the built web app (systems call with test credentials).
 * Screenshots go to docs/screenshots/ only with QALQAN_SCREENSHOTS=1.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CITIZENS } from '../../src/demo/demo-citizens.js';
import {
  portalHarness,
  type PortalHarness,
  SYSTEM_ID,
} from '../../src/portal/test-support/portal-app.js';
import { openTestStorage } from '../../src/storage/test-support/storages.js';
import { webRoutes } from '../../src/web/web.routes.js';
import { repoRoot } from '../support/cli.js';
import { ensureWebBuilt } from './support/web-build.js';

const CHROMIUM = '/usr/bin/chromium';
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
const haveChromium = existsSync(CHROMIUM);
const SCREENSHOTS = process.env.QALQAN_SCREENSHOTS === '1';
const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');

interface InPage {
  readonly document: {
    readonly documentElement: { lang: string; scrollWidth: number; clientWidth: number };
    readonly activeElement: { readonly innerText: string; readonly tagName: string } | null;
  };
}
const horizontalOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as InPage).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
const focusedText = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as InPage).document.activeElement?.innerText.trim() ?? '',
  );

describe.skipIf(!haveChromium)('citizen portal in Chromium', { timeout: 120_000 }, () => {
  let storage: Awaited<ReturnType<typeof openTestStorage>>;
  let h: PortalHarness;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    storage = await openTestStorage('sqlite');
    h = await portalHarness(storage.storage, { extraRoutes: [webRoutes] });
    // The portal's clock is the harness's test clock; the browser lives in real time.
    h.clock.set(new Date().toISOString());
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await h?.close();
    await storage?.dispose();
  });

  async function openPage(options: { locale?: string; width?: number } = {}) {
    const context = await browser.newContext({
      locale: options.locale ?? 'en-US',
      viewport: { width: options.width ?? 1280, height: 900 },
      timezoneId: 'Asia/Almaty',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(25_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, problems };
  }

  async function askConsent(iin: string): Promise<string> {
    const asked = await h.app.inject({
      method: 'POST',
      url: '/v1/consent-requests',
      headers: { authorization: `Bearer system.${SYSTEM_ID}` },
      payload: {
        iin,
        purposes: ['finance.kyc'],
        categories: ['identity', 'document'],
        retention: 'P5Y',
        validUntil: new Date(Date.now() + 365 * 86400_000).toISOString(),
        requestExpiresAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
        message: { kk: 'Шот ашу үшін', ru: 'Для открытия счёта', en: 'To open an account' },
        policyUrl: 'https://senim.kz/privacy',
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    return asked.json<{ request: { id: string } }>().request.id;
  }

  async function signIn(page: Page, citizen: number, path = '/me/requests') {
    await page.goto(`${base}${path}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Demo identity provider' }).waitFor();
    await page.getByRole('button', { name: new RegExp(DEMO_CITIZENS[citizen]!.name) }).click();
    await page.waitForURL(`${base}${path}`);
  }

  it('signs in through the OIDC flow, approves a request and withdraws the consent', async () => {
    const id = await askConsent(DEMO_CITIZENS[0]!.iin);
    const { page, problems } = await openPage();
    await page.goto(`${base}/me/requests`);
    await page.locator('[data-state="signed-out"]').waitFor();
    await signIn(page, 0);
    const card = page.locator(`[data-request="${id}"]`);
    await card.getByText('To open an account').waitFor();
    if (SCREENSHOTS)
      await page.screenshot({
        path: path.join(screenshotDir, 'portal-requests.png'),
        fullPage: true,
      });
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.locator('[data-answer="approve"]').waitFor();

    await page
      .getByRole('navigation', { name: 'My data' })
      .getByRole('link', { name: 'My consents' })
      .click();
    const consent = page.locator(`[data-consent="${id}"]`);
    await consent.locator('[data-state="active"]').waitFor();
    if (SCREENSHOTS)
      await page.screenshot({
        path: path.join(screenshotDir, 'portal-consents.png'),
        fullPage: true,
      });
    await consent.getByRole('button', { name: 'Withdraw consent' }).click();
    await consent.locator('[data-outcome="accepted"]').waitFor();
    await consent.locator('[data-state="withdrawn"]').waitFor();

    // Switch language: the page follows at once.
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Мои согласия' }).waitFor();
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await page.getByRole('heading', { level: 1, name: 'Менің келісімдерім' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows new notifications live in the inbox', async () => {
    const { page } = await openPage();
    await signIn(page, 1, '/me/inbox');
    await page.locator('[data-live="true"]').waitFor();
    await h.bus.publish([
      {
        id: 'cev_browser_live',
        type: 'consent.requested',
        at: new Date().toISOString(),
        data: { subject: h.pseudonymOf(DEMO_CITIZENS[1]!.iin) },
      },
    ]);
    await page.locator('[data-notification="consent.requested"]').waitFor();
    if (SCREENSHOTS)
      await page.screenshot({ path: path.join(screenshotDir, 'portal-inbox.png'), fullPage: true });
  });

  it('explains a refused sign-in in the reader’s language', async () => {
    const { page } = await openPage({ locale: 'ru-RU' });
    await page.goto(`${base}/sign-in?error=state-mismatch`);
    await page.getByText('Ответ провайдера идентификации не относится к этому входу').waitFor();
    const { page: kk } = await openPage({ locale: 'de-DE' });
    await kk.goto(`${base}/sign-in?error=token-rejected`);
    // A browser that prefers none of the three languages gets Kazakh.
    await kk.getByText('Сәйкестендіру провайдерінің жауабы тексерілмеді').waitFor();
  });

  it('fits a 360-px phone without sideways scrolling', async () => {
    await askConsent(DEMO_CITIZENS[2]!.iin);
    for (const locale of ['en-US', 'ru-RU', 'kk-KZ']) {
      const { page } = await openPage({ locale, width: 360 });
      await page.goto(`${base}/me/requests`);
      await page.locator('[data-state="signed-out"]').waitFor();
      expect(await horizontalOverflow(page), `signed out ${locale}`).toBe(0);
      if (locale === 'en-US') {
        await signIn(page, 2);
        await page.locator('[data-request]').first().waitFor();
        expect(await horizontalOverflow(page), 'requests').toBe(0);
        await page.goto(`${base}/me/consents`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        expect(await horizontalOverflow(page), 'consents').toBe(0);
      }
    }
  });

  it('signs in and approves with the keyboard only', async () => {
    const id = await askConsent(DEMO_CITIZENS[3]!.iin);
    const { page } = await openPage();
    await page.goto(`${base}/me/requests`);
    await page.locator('[data-state="signed-out"]').waitFor();
    const tabTo = async (text: RegExp) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (text.test(await focusedText(page))) return;
      }
      throw new Error(`no focusable element named ${text.source}`);
    };
    await tabTo(/^Sign in$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Demo identity provider' }).waitFor();
    await tabTo(new RegExp(DEMO_CITIZENS[3]!.name));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/me/requests`);
    await page.locator(`[data-request="${id}"]`).waitFor();
    await tabTo(/^Approve$/);
    await page.keyboard.press('Enter');
    await page.locator(`[data-request="${id}"] [data-answer="approve"]`).waitFor();
  });
});

if (SCREENSHOTS) mkdirSync(screenshotDir, { recursive: true });
