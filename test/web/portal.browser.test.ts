/**
 * The citizen portal in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * against the composed server: `qalqan serve --demo` from source, the same server an operator
 * runs, serving the built web app. Citizens sign in through the real OIDC code flow against the
 * demo identity provider (oidc-provider at /demo-idp); systems call the API over HTTP with the
 * demo world's API keys (read from `<dataDir>/demo-credentials.json`). Each test uses its own
 * demo citizen, so the tests pass alone and in any order.
 * Screenshots go to docs/screenshots/ only with QALQAN_SCREENSHOTS=1 (docs/TESTING.md).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoCredentials } from '../../src/demo/demo.js';
import type { ServerProcess } from '../support/cli.js';
import {
  focusedText,
  haveChromium,
  horizontalOverflow,
  htmlLang,
  noteMissingChromium,
  saveScreenshot,
} from './support/chromium.js';
import { expectNoAxeViolations } from './support/axe.js';
import { type DemoInBrowser, type PageOptions, startDemoInBrowser } from './support/demo-server.js';

noteMissingChromium('portal browser tests');

const DAY = 86_400_000;
const CLINIC = 'Electronic health record';
const LENDER = 'Online loan scoring';

/** The demo citizens each test signs in as (src/demo/demo-citizens.ts). */
const PATIENT = 'Гүлнар Тұрсынбекова';
const TREATED = 'Дана Ержанова';
const WATCHED = 'Sergey Ivanov';
const CUSTOMER = 'Арман Бекмұхамбетов';
const DRIVER = 'Тимур Серікбаев';
const TEACHER = 'Айгерим Сапарова';
const BORROWER = 'Нұрлан Жақсылықов';
const OWNER = 'Ерлан Омаров';
/**
 * Мадина, 15, and her father Ерлан, her guardian in the demo world (src/demo/demo-consents.ts).
 * He is OWNER too: the guardian's test answers only the child's requests, in a session of its own.
 */
const CHILD = 'Мадина Қасымова';
const GUARDIAN = OWNER;
const SCHOOL = 'School records and staff files';

/** The parts of a `/v1/me/accesses` item the tampering test alters. */
interface AccessItem {
  checkId: string;
  purpose: string;
  receipt: { record: { purpose: string } };
}

interface CheckAnswer {
  readonly decision: 'permit' | 'deny';
  readonly checkId: string;
  readonly reasons: readonly { readonly code: string }[];
}

describe.skipIf(!haveChromium)('citizen portal in Chromium', { timeout: 180_000 }, () => {
  let server: ServerProcess;
  let dataDir: string;
  let base: string;
  let demo: Omit<DemoCredentials, 'file'>;
  let demoServer: DemoInBrowser;

  beforeAll(async () => {
    // A copy of the run's demo world, served; the first suite to ask builds it (a while under load).
    demoServer = await startDemoInBrowser({ width: 1200 });
    ({ server, dataDir, base, demo } = demoServer);
  }, 400_000);

  afterAll(async () => {
    await demoServer?.close();
  });

  const iinOf = (name: string) => demo.citizens.find((c) => c.name === name)!.iin;
  const keyOf = (system: string) => demo.systems.find((s) => s.system === system)!.apiKey;

  /** A system's call over HTTP with its API key. */
  async function asSystem<T>(system: string, url: string, body: object): Promise<T> {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyOf(system)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status, text).toBeLessThan(300);
    return JSON.parse(text) as T;
  }

  /** The clinic asks the citizen's consent to treat them; resolves the request id. */
  async function clinicAsks(citizen: string): Promise<string> {
    const asked = await asSystem<{ request: { id: string } }>(CLINIC, '/v1/consent-requests', {
      iin: iinOf(citizen),
      purposes: ['health.treatment'],
      categories: ['identity', 'health'],
      retention: 'P5Y',
      validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
      requestExpiresAt: new Date(Date.now() + 7 * DAY).toISOString(),
      message: { kk: 'Емдеу үшін', ru: 'Для лечения', en: 'For your treatment' },
      policyUrl: 'https://gp5.kz/privacy',
    });
    return asked.request.id;
  }

  /** The clinic asks before a doctor reads the citizen's record, on their consent. */
  const clinicChecks = (citizen: string) =>
    asSystem<CheckAnswer>(CLINIC, '/v1/access-checks', {
      subject: iinOf(citizen),
      categories: ['identity', 'health'],
      purpose: 'health.treatment',
      legalBasis: 'consent',
      actor: { id: 'doctor-12' },
      action: 'read',
    });

  const openPage = (options?: PageOptions) => demoServer.openPage(options);

  /** Signs in from a citizen page through the demo provider's login page (the OIDC code flow). */
  async function signIn(page: Page, citizen: string, at = '/me/requests') {
    await page.goto(`${base}${at}`);
    await page.locator('[data-state="signed-out"]').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Demo identity provider' }).waitFor();
    await page.getByRole('button', { name: new RegExp(citizen) }).click();
    await page.waitForURL(`${base}${at}`);
  }

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'My data' }).getByRole('link', { name }).click();

  it('signs in, approves a request the system then uses, sees the access live and verified, withdraws and sees the next access denied', async () => {
    const id = await clinicAsks(PATIENT);
    const { page, problems } = await openPage();
    await signIn(page, PATIENT);
    const card = page.locator(`[data-request="${id}"]`);
    await card.getByText('For your treatment').waitFor();
    // Who asks, by the registry's names in the reader's language; the ids only in small print.
    await card.getByRole('heading', { name: 'Request from City polyclinic No. 5' }).waitFor();
    await expect
      .poll(() => card.locator('[data-who]').innerText())
      .toMatch(/^City polyclinic No\. 5 · Electronic health record\nop_\w+ · sys_\w+$/);
    // What and why in words from the taxonomy, not its codes.
    await card.getByText('Medical treatment', { exact: true }).waitFor();
    await card
      .getByText('Identity (IIN, name, birth date), Health data', { exact: true })
      .waitFor();
    await card.getByText('Kazakhstan', { exact: true }).waitFor();
    expect(await card.innerText()).not.toContain('health.treatment');
    saveScreenshot('portal-requests.png', await page.screenshot({ fullPage: true }));
    await expectNoAxeViolations(page, 'requests, one waiting');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.locator('[data-answer="approve"]').waitFor();

    // The timeline follows the live stream: the clinic's check appears without a reload.
    await nav(page, 'Who accessed my data');
    await page.getByRole('heading', { level: 1, name: 'Who accessed my data' }).waitFor();
    await page.locator('p[data-live="true"]').waitFor();
    const permitted = await clinicChecks(PATIENT);
    expect(permitted.decision).toBe('permit');
    const access = page.locator(`[data-check="${permitted.checkId}"]`);
    await access.locator('[data-verified="true"]').waitFor();
    expect(await access.getAttribute('data-decision')).toBe('permit');
    await access.getByText('Medical treatment', { exact: true }).waitFor();
    expect(await access.innerText()).not.toContain('health.treatment');
    saveScreenshot('portal-accesses.png', await page.screenshot({ fullPage: true }));
    await expectNoAxeViolations(page, 'accesses, live and verified');

    await nav(page, 'My consents');
    const consent = page.locator(`[data-consent="${id}"]`);
    await consent.locator('[data-state="active"]').waitFor();
    await expect
      .poll(() => consent.locator('[data-who]').innerText())
      .toContain('City polyclinic No. 5 · Electronic health record');
    saveScreenshot('portal-consents.png', await page.screenshot({ fullPage: true }));
    await expectNoAxeViolations(page, 'consents');
    // The signed receipt downloads and its signature is checked in the browser.
    const [receipt] = await Promise.all([
      page.waitForEvent('download'),
      consent.getByRole('button', { name: 'Download signed receipt' }).click(),
    ]);
    expect(receipt.suggestedFilename()).toBe(`consent-receipt-${id}.jws`);
    await consent.locator('[data-receipt="verified"]').waitFor();

    // Paused, the consent permits nothing until it is resumed.
    await consent.getByRole('button', { name: 'Pause consent' }).click();
    await consent.locator('[data-action="pause"][data-outcome="accepted"]').waitFor();
    await consent.locator('[data-state="paused"]').waitFor();
    expect(await focusedText(page)).toContain('Paused: the operator may not use the data');
    const whilePaused = await clinicChecks(PATIENT);
    expect(whilePaused.decision).toBe('deny');
    expect(whilePaused.reasons.map((r) => r.code)).toContain('consent.paused');
    await consent.getByRole('button', { name: 'Resume consent' }).click();
    await consent.locator('[data-state="active"]').waitFor();
    expect((await clinicChecks(PATIENT)).decision).toBe('permit');
    // A withdrawal cannot be undone, so the card asks first: focus starts on Cancel, so Enter
    // alone never confirms; Escape cancels, focus goes back to the button, nothing is sent.
    const withdraw = consent.getByRole('button', { name: 'Withdraw consent' });
    await withdraw.click();
    const confirmation = consent.getByRole('group', { name: 'Withdraw this consent?' });
    await confirmation.getByText('This cannot be undone').waitFor();
    expect(await focusedText(page)).toBe('Cancel');
    expect(await withdraw.getAttribute('aria-expanded')).toBe('true');
    await expectNoAxeViolations(page, 'consents, a withdrawal to confirm');
    await page.keyboard.press('Escape');
    await confirmation.waitFor({ state: 'hidden' });
    expect(await focusedText(page)).toBe('Withdraw consent');
    await consent.locator('[data-state="active"]').waitFor();
    expect((await clinicChecks(PATIENT)).decision).toBe('permit');
    await withdraw.click();
    await confirmation.getByRole('button', { name: 'Yes, withdraw' }).click();
    await consent.locator('[data-outcome="accepted"]').waitFor();
    await consent.locator('[data-state="withdrawn"]').waitFor();
    // Focus moves to what became of it (the buttons are gone).
    expect(await focusedText(page)).toContain('Withdrawn: the operator may no longer use');
    // Who acted last follows the card's own actions.
    await consent.getByText('Last action by you').waitFor();

    // The next access is denied, and the citizen sees the refusal in the timeline, verified.
    const denied = await clinicChecks(PATIENT);
    expect(denied.decision).toBe('deny');
    expect(denied.reasons.map((r) => r.code)).toContain('consent.withdrawn');
    await nav(page, 'Who accessed my data');
    const refusal = page.locator(`[data-check="${denied.checkId}"]`);
    await refusal.locator('[data-verified="true"]').waitFor();
    expect(await refusal.getAttribute('data-decision')).toBe('deny');

    // Russian, then English again: the page follows at once.
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { level: 1, name: 'Кто обращался к моим данным' }).waitFor();
    expect(await htmlLang(page)).toBe('ru');
    await refusal.getByText('Проверено').waitFor();
    await refusal.getByText('Лечение', { exact: true }).waitFor();
    await expectNoAxeViolations(page, 'accesses in Russian, a refusal shown');
    await expect
      .poll(() => refusal.innerText())
      .toMatch(
        /Данные\nСведения о здоровье, Идентификационные данные \(ИИН, ФИО, дата рождения\)\nПравовое основание\nСогласие субъекта\n/,
      );
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Who accessed my data' }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(problems).toEqual([]);
  });

  it('shows a record altered on its way to the browser as not verified, and why', async () => {
    const checked = await clinicChecks(TREATED);
    expect(checked.decision).toBe('permit');
    const { page, problems } = await openPage();
    let alter: ((item: AccessItem) => void) | undefined;
    await page.route(
      (url) => url.pathname === '/v1/me/accesses',
      async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { items: AccessItem[] };
        for (const item of body.items) if (item.checkId === checked.checkId) alter?.(item);
        await route.fulfill({ response, json: body });
      },
    );
    await signIn(page, TREATED, '/me/accesses');
    const record = page.locator(`[data-check="${checked.checkId}"]`);
    await record.locator('[data-verified="true"]').waitFor();

    // The purpose shown is changed: it no longer matches the committed record.
    alter = (item) => (item.purpose = 'marketing');
    await page.reload();
    const shown = record.locator('[data-verified="false"]');
    await shown.waitFor();
    expect(await shown.getAttribute('data-failure')).toBe('mismatch');
    expect(await shown.getAttribute('data-field')).toBe('purpose');
    expect(await shown.innerText()).toBe(
      'Not verified: the record shown differs from the one in the log (purpose)',
    );
    // The window only: records further down are verified once scrolled near, not before.
    saveScreenshot('portal-tampered.png', await page.screenshot());

    // Changed in the receipt too: the record no longer hashes to its ledger entry.
    alter = (item) => {
      item.purpose = 'marketing';
      item.receipt.record.purpose = 'marketing';
    };
    await page.reload();
    await record.locator('[data-verified="false"][data-failure="commitment"]').waitFor();
    await record.getByText('Not verified: the record does not match its ledger entry').waitFor();
    expect(problems).toEqual([]);
  });

  it('shows new notifications live in the inbox, and marks them read', async () => {
    const { page, problems } = await openPage();
    await signIn(page, WATCHED, '/me/inbox');
    await page.locator('[data-live="true"]').waitFor();
    const before = await page.locator('[data-notification="consent.requested"]').count();
    await clinicAsks(WATCHED);
    await expect
      .poll(() => page.locator('[data-notification="consent.requested"]').count())
      .toBe(before + 1);
    // Each notification names who it is about (the operator and system), not their ids.
    await expect
      .poll(() =>
        page.locator('[data-notification="consent.requested"] [data-who]').first().innerText(),
      )
      .toContain('City polyclinic No. 5 · Electronic health record');
    saveScreenshot('portal-inbox.png', await page.screenshot({ fullPage: true }));

    // Marked as read with the keyboard: the count follows, and focus stays on that notification
    // (its button is gone) instead of falling back to the top of the page.
    const unread = async () =>
      Number(/(\d+) unread/.exec(await page.locator('p[data-live]').innerText())?.[1]);
    const count = await unread();
    const first = page.locator('[data-notification].unread').first();
    // Unread or read is said in words to a screen reader, not only by the card's border.
    expect(await first.locator('[data-read-state]').textContent()).toBe('Unread: ');
    const marking = first.getByRole('button', { name: 'Mark as read' });
    await marking.focus();
    await page.keyboard.press('Enter');
    await expect.poll(unread).toBe(count - 1);
    const marked = page.locator('[data-notification].read:focus');
    expect(await marked.count()).toBe(1);
    expect(await marked.locator('[data-read-state]').textContent()).toBe('Read: ');
    // A marking the server refuses is said on the card, not dropped: here the session has been
    // idle for two hours (moved back in the server's store, as in the test of an ended session).
    const { session } = await page.evaluate(async () => {
      const response = await fetch('/v1/portal/session');
      return (await response.json()) as { session: { id: string } };
    });
    const db = new Database(path.join(dataDir, 'qalqan.db'), { timeout: 10_000 });
    try {
      db.prepare('update portal_sessions set last_seen_at = ? where id = ?').run(
        new Date(Date.now() - 2 * 3600_000).toISOString(),
        session.id,
      );
    } finally {
      db.close();
    }
    const next = page.locator('[data-notification].unread').first();
    await next.getByRole('button', { name: 'Mark as read' }).click();
    await next
      .getByRole('alert')
      .getByText('Your session has ended, so nothing was changed.', { exact: false })
      .waitFor();
    expect(await unread()).toBe(count - 1);
    expect(problems).toEqual([]);
  });

  it('refuses a forged or replayed OIDC callback with a message in the reader’s language', async () => {
    const { page } = await openPage({ locale: 'ru-RU' });
    await page.goto(`${base}/me/requests`);
    await page.getByRole('link', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Демонстрационный провайдер идентификации' }).waitFor();
    // A callback whose state is not the one this sign-in sent.
    await page.goto(`${base}/v1/portal/callback?code=forged&state=not-this-sign-in`);
    await page.waitForURL(/\/sign-in\?error=state-mismatch$/);
    await page.getByText('Ответ провайдера идентификации не относится к этому входу').waitFor();
    expect(await htmlLang(page)).toBe('ru');
    await expectNoAxeViolations(page, 'sign-in refused, in Russian');

    // A real callback, used once, then replayed: the second use is refused.
    const { page: again } = await openPage({ locale: 'de-DE' });
    let callback: string | undefined;
    again.on('request', (request) => {
      if (request.url().includes('/v1/portal/callback?')) callback = request.url();
    });
    await again.goto(`${base}/me/requests`);
    await again.getByRole('link', { name: 'Кіру' }).click();
    await again.getByRole('button', { name: new RegExp(TEACHER) }).click();
    await again.waitForURL(`${base}/me/requests`);
    expect(callback).toBeDefined();
    await again.goto(callback!);
    await again.waitForURL(/\/sign-in\?error=no-login$/);
    // A browser that prefers none of the three languages gets Kazakh.
    await again.getByText('Бұл кіру пайдаланылған немесе осы браузерде басталмаған').waitFor();
    expect(await htmlLang(again)).toBe('kk');
  });

  it('refuses an answer without this session’s CSRF token, says so in Russian and changes nothing', async () => {
    const id = await clinicAsks(BORROWER);
    // The bank asks again for KYC, whose withdrawal its declared ground refuses.
    const kycAgain = await asSystem<{ request: { id: string } }>(
      'Core banking',
      '/v1/consent-requests',
      {
        iin: iinOf(BORROWER),
        purposes: ['finance.kyc'],
        categories: ['identity'],
        retention: 'P5Y',
        validUntil: new Date(Date.now() + 300 * DAY).toISOString(),
        requestExpiresAt: new Date(Date.now() + 7 * DAY).toISOString(),
        message: { kk: 'Жаңа шот', ru: 'Для нового счёта', en: 'For a new account' },
        policyUrl: 'https://bank.example.kz/privacy',
      },
    );
    const { page } = await openPage({ locale: 'ru-RU' });
    await page.goto(`${base}/me/requests`);
    await page.getByRole('link', { name: 'Войти' }).click();
    await page.getByRole('button', { name: new RegExp(BORROWER) }).click();
    await page.waitForURL(`${base}/me/requests`);
    // The answer leaves the page with a forged token, as a cross-site request would carry.
    await page.route(`${base}/v1/me/consent-requests/${id}/approve`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-csrf-token': 'forged' } }),
    );
    const card = page.locator(`[data-request="${id}"]`);
    await card.getByRole('button', { name: 'Согласиться' }).click();
    await card
      .getByRole('alert')
      .getByText('Не удалось подтвердить, что запрос отправлен с этой страницы')
      .waitFor();
    expect(await card.getByRole('alert').innerText()).toContain('portal.csrf_failed');
    // Nothing changed: after a reload the request still waits for an answer.
    await page.unrouteAll();
    await page.reload();
    await card.getByRole('button', { name: 'Согласиться' }).waitFor();
    expect(await card.locator('[data-answer]').count()).toBe(0);
    // The bank's request says, before any answer, that the consent could not be withdrawn.
    await page
      .locator(`[data-request="${kycAgain.request.id}"] [data-withdrawal-ground="once-given"]`)
      .getByText('После согласия отозвать его нельзя: По закону данные идентификации')
      .waitFor();
    // The demo bank refused the borrower's KYC withdrawal on a ground declared in advance: the
    // card says why, after any reload, and offers pausing but not withdrawing.
    await page.goto(`${base}/me/consents`);
    const kyc = page.locator('[data-consent]', { hasText: 'Для открытия счёта' });
    await kyc
      .locator('[data-withdrawal-ground]')
      .getByText('Отозвать нельзя: По закону данные идентификации клиента хранятся')
      .waitFor();
    await kyc.locator('button[data-action="pause"]').waitFor();
    expect(await kyc.locator('button[data-action]').count()).toBe(1);
    await expectNoAxeViolations(page, 'consents, a withdrawal ground stated, in Russian');
  });

  it('refuses an answer after the session ended, says so in Russian, leads to sign-in and changes nothing', async () => {
    const id = await clinicAsks(OWNER);
    const { page } = await openPage({ locale: 'ru-RU' });
    await page.goto(`${base}/me/requests`);
    await page.getByRole('link', { name: 'Войти' }).click();
    await page.getByRole('button', { name: new RegExp(OWNER) }).click();
    await page.waitForURL(`${base}/me/requests`);
    const card = page.locator(`[data-request="${id}"]`);
    await card.getByRole('button', { name: 'Согласиться' }).waitFor();

    // The citizen leaves the page open for two hours: the session's last use is moved back in the
    // server's own store (the idle timeout is 30 minutes), as time passing would.
    const { session } = await page.evaluate(async () => {
      const response = await fetch('/v1/portal/session');
      return (await response.json()) as { session: { id: string } };
    });
    const db = new Database(path.join(dataDir, 'qalqan.db'), { timeout: 10_000 });
    try {
      const moved = db
        .prepare('update portal_sessions set last_seen_at = ? where id = ?')
        .run(new Date(Date.now() - 2 * 3600_000).toISOString(), session.id);
      expect(moved.changes).toBe(1);
    } finally {
      db.close();
    }
    const logBefore = server.output().length;

    await card.getByRole('button', { name: 'Согласиться' }).click();
    const alert = card.getByRole('alert');
    await alert
      .getByText('Ваш сеанс завершён, поэтому ничего не изменено. Войдите снова, чтобы продолжить.')
      .waitFor();
    expect(await alert.innerText()).toContain('portal.session_expired');
    expect(await card.locator('[data-answer]').count()).toBe(0);
    // Refused with the reason in the log, and without the citizen's IIN.
    await expect.poll(() => server.output().slice(logBefore)).toMatch(/citizen session refused/);
    const log = server.output().slice(logBefore);
    expect(log).toMatch(/"reason":"idle"/);
    expect(log).not.toContain(iinOf(OWNER));

    // The message leads to sign-in, and back to this page; the request still waits for an answer.
    // The identity provider still has its own session for the citizen, so it answers at once.
    const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/v1/portal/callback?`));
    await alert.getByRole('link', { name: 'Войти' }).click();
    expect((await callback).status()).toBe(303);
    await page.waitForURL(`${base}/me/requests`);
    await card.getByRole('button', { name: 'Согласиться' }).waitFor();
    expect(await card.locator('[data-answer]').count()).toBe(0);
    const state = await page.evaluate(async (requestId) => {
      const response = await fetch('/v1/me/consent-requests');
      const body = (await response.json()) as { requests: { id: string; state: string }[] };
      return body.requests.find((r) => r.id === requestId)?.state;
    }, id);
    expect(state).toBe('requested');
  });

  it('searches every record of the timeline, not only the page shown, in any language of a name', async () => {
    const lenderRead = (subject: string) => ({
      subject,
      categories: ['identity', 'financial'],
      purpose: 'finance.credit-scoring',
      legalBasis: 'consent',
      actor: { id: 'scorer-3' },
      action: 'read',
    });
    const oldest = await asSystem<CheckAnswer>(
      LENDER,
      '/v1/access-checks',
      lenderRead(iinOf(TEACHER)),
    );
    // Then more clinic records than a page holds (25), so the lender's is not on the first page.
    await asSystem<{ results: CheckAnswer[] }>(CLINIC, '/v1/access-checks/batch', {
      checks: Array.from({ length: 30 }, () => ({
        subject: iinOf(TEACHER),
        categories: ['identity', 'health'],
        purpose: 'health.treatment',
        legalBasis: 'consent',
        actor: { id: 'doctor-12' },
        action: 'read',
      })),
    });
    const { page, problems } = await openPage();
    await signIn(page, TEACHER, '/me/accesses');
    const rows = page.locator('ol.timeline > li');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);
    expect(await page.locator(`[data-check="${oldest.checkId}"]`).count()).toBe(0);

    // The operator's Russian name, in lower case, on an English page: the API searches all records.
    await page.getByRole('searchbox', { name: 'Search' }).fill('карыз');
    await page.locator(`[data-check="${oldest.checkId}"]`).waitFor();
    await expect.poll(() => page.locator('ol.timeline').getAttribute('aria-busy')).toBe('false');
    const shown = await rows.allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect(text).toContain('Zhyldam Karyz MFO LLP · Online loan scoring');
    // Cleared: the whole timeline again, newest first.
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await page.locator(`[data-check="${oldest.checkId}"]`).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('fits a 360-px phone without sideways scrolling', async () => {
    for (const locale of ['ru-RU', 'kk-KZ']) {
      const { page } = await openPage({ locale, width: 360 });
      await page.goto(`${base}/me/requests`);
      await page.locator('[data-state="signed-out"]').waitFor();
      expect(await horizontalOverflow(page), `signed out ${locale}`).toBe(0);
      if (locale === 'kk-KZ') await expectNoAxeViolations(page, 'signed out on a phone, in Kazakh');
    }
    await clinicChecks(CUSTOMER);
    const { page } = await openPage({ width: 360 });
    await signIn(page, CUSTOMER);
    await page.locator('[data-request]').first().waitFor();
    expect(await horizontalOverflow(page), 'requests').toBe(0);
    for (const [at, ready] of [
      ['/me/consents', '[data-consent]'],
      ['/me/accesses', '[data-check] [data-verified]'],
      ['/me/inbox', '[data-notification]'],
    ] as const) {
      await page.goto(`${base}${at}`);
      await page.locator(ready).first().waitFor();
      expect(await horizontalOverflow(page), at).toBe(0);
    }
    await expectNoAxeViolations(page, 'inbox on a phone');
    saveScreenshot('portal-phone.png', await page.screenshot({ fullPage: true }));
  });

  it('signs in and approves with the keyboard only', async () => {
    const id = await clinicAsks(DRIVER);
    const { page } = await openPage();
    await page.goto(`${base}/me/requests`);
    await page.locator('[data-state="signed-out"]').waitFor();
    const tabTo = async (text: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (text.test(await focusedText(page))) return;
      }
      throw new Error(`no focusable element named ${text.source}`);
    };
    await tabTo(/^Sign in$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Demo identity provider' }).waitFor();
    await tabTo(new RegExp(DRIVER));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/me/requests`);
    const card = page.locator(`[data-request="${id}"]`);
    await card.waitFor();
    // The clinic's is the driver's only pending request, so its Approve is the first one.
    expect(await page.locator('[data-request]').count()).toBe(1);
    await tabTo(/^Approve$/);
    await page.keyboard.press('Enter');
    await card.locator('[data-answer="approve"]').waitFor();
    // The buttons give way to the answer, and focus goes with them: the reader is on the answer,
    // not thrown back to the top of the page.
    await expect.poll(() => focusedText(page)).toMatch(/^Approved\. You can withdraw it/);
  });

  it('a guardian answers a request made for their child with the keyboard, and sees it among the child’s consents', async () => {
    const asked = await asSystem<{ request: { id: string } }>(SCHOOL, '/v1/consent-requests', {
      iin: iinOf(CHILD),
      purposes: ['education.enrolment'],
      categories: ['identity', 'education'],
      retention: 'P1Y',
      validUntil: new Date(Date.now() + 300 * DAY).toISOString(),
      requestExpiresAt: new Date(Date.now() + 7 * DAY).toISOString(),
      message: { kk: 'Олимпиадаға тіркеу', ru: 'Для записи на олимпиаду', en: 'For the olympiad' },
      policyUrl: 'https://school54.kz/privacy',
    });
    const { page, problems } = await openPage();
    await signIn(page, GUARDIAN, '/me/children');
    // Her only child is shown at once, named, with nothing to choose; the request in words, not
    // the taxonomy's codes.
    const card = page.locator(`[data-request="${asked.request.id}"]`);
    await card.getByText('For the olympiad').waitFor();
    expect(await page.locator('[data-only-child]').innerText()).toMatch(
      new RegExp(`^Child born .+, IIN ending ${iinOf(CHILD).slice(-4)}$`),
    );
    expect(await page.getByRole('group', { name: 'Choose a child' }).count()).toBe(0);
    // Under the section's h2, the request's title is an h3.
    await card
      .getByRole('heading', { level: 3, name: 'Request from School-lyceum No. 54, Astana' })
      .waitFor();
    const facts = await card.locator('dl').innerText();
    expect(facts).toContain('School and university enrolment');
    expect(facts).toContain('Identity (IIN, name, birth date), Education');
    expect(facts).not.toMatch(/education\.enrolment|identity,/);
    await expectNoAxeViolations(page, 'children, a request waiting for the child');
    // Approve is reached and pressed with the keyboard; this child's request is the only one.
    expect(await page.locator('[data-request]').count()).toBe(1);
    for (let i = 0; i < 60 && (await focusedText(page)) !== 'Approve'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focusedText(page)).toBe('Approve');
    await page.keyboard.press('Enter');
    await card
      .locator('[data-answer="approve"]')
      .getByText('Approved. You can withdraw it at any time below, under the child’s consents.')
      .waitFor();
    await expect
      .poll(() => focusedText(page))
      .toBe('Approved. You can withdraw it at any time below, under the child’s consents.');
    // The child's consents now hold it, given by a guardian; the demo's enrolment is still there.
    // (A request is the consent in waiting: the same id.)
    const consent = page.locator(`[data-consent="${asked.request.id}"]`);
    await consent.getByText('Last action by a guardian').waitFor();
    // Among the child's consents in force (h3), the consent's title is an h4.
    await page
      .locator('[data-consents="in-force"]')
      .locator(`[data-consent="${asked.request.id}"]`)
      .getByRole('heading', { level: 4 })
      .waitFor();
    expect(await consent.locator('[data-state]').getAttribute('data-state')).toBe('active');
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await consent.getByText('Соңғы әрекет — қамқоршы').waitFor();
    // The child's consent has its signed receipt too, checked in the browser.
    await Promise.all([
      page.waitForEvent('download'),
      consent.getByRole('button', { name: 'Қол қойылған түбіртекті жүктеу' }).click(),
    ]);
    await consent.locator('[data-receipt="verified"]').waitFor();
    await expectNoAxeViolations(page, 'children, answered, in Kazakh');
    expect(problems).toEqual([]);
  });
});
