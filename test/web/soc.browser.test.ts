/**
 * The monitoring centre's console in real Chromium against the composed server (`qalqan serve
 * --demo` from source, serving the built web app), on the demo world: a loan officer of the
 * microfinance lender has harvested borrowers' records, the centre blocked the officer and
 * proposes suspending the system. The SOC analyst signs in with the demo staff token (held as a
 * session cookie from then on), sees the harvesting alert in the feed, a new alert arrive live
 * over server-sent events, opens the case, confirms the proposed suspension through the
 * confirmation dialog, and reads the console in Russian and Kazakh; the incident's clock runs and
 * its title, composed from its facts, reads in Russian and Kazakh;
 * the regulator edits a rule (a problem shown with its line, a new version, the history, a
 * rollback); a phone-width screen does not scroll sideways.
 * The screenshot goes to docs/screenshots/soc-console.png only with QALQAN_SCREENSHOTS=1.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { HARVEST_ACTOR, HONEYTOKEN_IIN } from '../../src/demo/demo-monitor.js';
import {
  focusedText,
  haveChromium,
  horizontalOverflow,
  htmlLang,
  noteMissingChromium,
  saveScreenshot,
} from './support/chromium.js';
import { type DemoInBrowser, type PageOptions, startDemoInBrowser } from './support/demo-server.js';
import { expectNoAxeViolations } from './support/axe.js';
import { signInToConsole } from './support/staff-sign-in.js';

noteMissingChromium('SOC console browser tests');

const HARVEST = 'Bulk harvesting (200 subjects an hour)';

describe.skipIf(!haveChromium)(
  'monitoring centre console in Chromium',
  { timeout: 240_000 },
  () => {
    let base: string;
    let demo: Omit<DemoCredentials, 'file'>;
    let demoServer: DemoInBrowser;

    beforeAll(async () => {
      // A copy of the run's demo world, served; the first suite to ask builds it (a while under load).
      demoServer = await startDemoInBrowser({ width: 1200 });
      ({ base, demo } = demoServer);
    }, 300_000);

    afterAll(async () => {
      await demoServer?.close();
    });

    const openPage = (options?: PageOptions) => demoServer.openPage(options);

    /** Signs in on the console's own form with the demo SOC analyst's (or another) staff token. */
    const signIn = (page: Page, at = '/soc', token = demo.staff.soc) =>
      signInToConsole(page, `${base}${at}`, token);

    it('signs in, sees the harvest and a live alert, opens the case, confirms the proposed suspension, switches language', async () => {
      const { page, problems } = await openPage();
      // A wrong token is refused on the form, in words, and nothing is signed in.
      await page.goto(`${base}/soc`);
      await page.getByLabel('Staff token').fill('st_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toContain(
        'This token was not accepted: it may be mistyped, expired or revoked.',
      );
      expect(await page.locator('[data-state="signed-out"]').count()).toBe(1);
      await expectNoAxeViolations(page, 'sign-in, a token refused');
      await page.getByLabel('Staff token').fill('');
      // Sent empty, the form asks for a token; the last attempt's refusal is not this one's.
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Enter your staff token.').waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);

      await signIn(page);
      await page.getByRole('heading', { level: 1, name: 'Alert feed' }).waitFor();
      // Focus moves to the page's heading once signed in, as after a navigation.
      expect(await focusedText(page)).toBe('Alert feed');
      const harvest = page.locator('[data-alert="bulk-harvesting"]');
      await harvest.getByRole('link', { name: HARVEST }).waitFor();
      await harvest.getByText('High', { exact: true }).waitFor();
      // Touching the decoy record among the borrowers got the officer blocked: a critical alert.
      await page
        .locator('[data-alert="honeytoken-touched"]')
        .filter({ hasText: 'loan-officer-14' })
        .getByText('Critical', { exact: true })
        .waitFor();

      // A honeytoken record is touched while the analyst watches: the alert arrives without a reload.
      await page.locator('p[data-live="true"]').waitFor();
      const clinic = demo.systems.find((s) => s.system === 'Electronic health record')!;
      const touched = await fetch(`${base}/v1/access-checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clinic.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: HONEYTOKEN_IIN,
          actor: { id: 'curious-clerk' },
          action: 'read',
          purpose: 'health.treatment',
          categories: ['identity', 'health'],
          legalBasis: 'consent',
        }),
      });
      expect(touched.status, await touched.text()).toBe(200);
      await page
        .locator('[data-alert="honeytoken-touched"]')
        .filter({ hasText: 'curious-clerk' })
        .getByRole('link', { name: 'Honeytoken record touched' })
        .waitFor();
      // The live alert names the system as the registry does, the id in small print beside it,
      // and the actor by its opaque code.
      const live = page
        .locator('[data-alert="honeytoken-touched"]')
        .filter({ hasText: 'curious-clerk' });
      await live.locator('.soc-name', { hasText: 'Electronic health record' }).waitFor();
      await live.locator('small code', { hasText: clinic.systemId }).waitFor();
      await live.locator('code.soc-name', { hasText: /^A-/ }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: 'New alert: Honeytoken record touched' })
        .waitFor();
      saveScreenshot('soc-console.png', await page.screenshot());
      await expectNoAxeViolations(page, 'alert feed, a live alert announced');

      // The harvest's case: its timeline and the responses, the block in force, the suspension proposed.
      await harvest.getByRole('link', { name: 'Open case' }).click();
      await page.getByRole('heading', { level: 2, name: 'Timeline' }).waitFor();
      await page.locator('.soc-timeline li').first().waitFor();
      // The case names the lender's system and the lender (in the console's language); its title
      // is the console's own, with the lender's registry name rather than its id.
      await page
        .getByRole('heading', { level: 1, name: `Actor ${HARVEST_ACTOR} of Zhyldam Karyz MFO LLP` })
        .waitFor();
      await page.locator('.facts .soc-name', { hasText: 'Online loan scoring' }).waitFor();
      await page.locator('.facts .soc-name', { hasText: 'Zhyldam Karyz MFO LLP' }).waitFor();
      const block = page.locator('[data-response="block-actor"]');
      expect(await block.getAttribute('data-state')).toBe('in-force');
      const suspend = page.locator('[data-response="suspend-system"][data-state="proposed"]');
      await suspend.getByRole('button', { name: 'Confirm' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm this response?' });
      await dialog.waitFor();
      await dialog.getByText('Suspend the system').waitFor();
      await expectNoAxeViolations(page, 'case, the confirmation dialog open');
      // Focus starts on Cancel, so Enter alone never confirms; Escape closes without acting.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(
        await page.locator('[data-response="suspend-system"]').getAttribute('data-state'),
      ).toBe('proposed');
      await suspend.getByRole('button', { name: 'Confirm' }).click();
      await dialog.getByRole('button', { name: 'Confirm' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Response confirmed: Suspend the system.' })
        .waitFor();
      await page.locator('[data-response="suspend-system"][data-state="in-force"]').waitFor();

      // The lender's system is suspended: its next check is refused, naming why.
      const lender = demo.systems.find((s) => s.system === 'Online loan scoring')!;
      const after = await fetch(`${base}/v1/access-checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lender.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: demo.citizens[1]!.iin,
          actor: { id: 'scoring-engine' },
          action: 'read',
          purpose: 'finance.credit-scoring',
          categories: ['identity', 'financial'],
          legalBasis: 'consent',
        }),
      });
      const answer = (await after.json()) as { decision: string };
      expect(answer.decision).toBe('deny');

      // Russian and Kazakh: the console follows the shell's language switcher at once.
      await page.getByRole('button', { name: 'Русский' }).click();
      await page.getByRole('heading', { level: 2, name: 'Хронология' }).waitFor();
      await page.getByRole('navigation', { name: 'Центр мониторинга' }).waitFor();
      await page.locator('.facts .soc-name', { hasText: 'ТОО МФО «Жылдам Карыз»' }).waitFor();
      // The case's title is composed in Russian, and its alerts carry their rules' Russian titles.
      await page
        .getByRole('heading', {
          level: 1,
          name: `Сотрудник ${HARVEST_ACTOR}, оператор ТОО МФО «Жылдам Карыз»`,
        })
        .waitFor();
      await page
        .locator('.soc-timeline')
        .getByRole('link', { name: 'Массовый сбор данных (200 субъектов в час)' })
        .first()
        .waitFor();
      expect(await htmlLang(page)).toBe('ru');
      await page.getByRole('button', { name: 'Қазақша' }).click();
      await page.getByRole('heading', { level: 2, name: 'Хронология' }).waitFor();
      await page.getByRole('link', { name: 'Дабылдар легі' }).waitFor();
      expect(await htmlLang(page)).toBe('kk');
      // Times read as in Kazakh, as full ICU writes them ("2026 ж. 05 жел., 21:13"), though this
      // Chromium claims `kk` in Intl without its data and would print "2026 M12 5 21:13".
      const stamp = page.locator('.soc-timeline time').first();
      const [shown, at, zone] = await Promise.all([
        stamp.innerText(),
        stamp.getAttribute('datetime'),
        page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
      ]);
      expect(shown).toBe(
        new Intl.DateTimeFormat('kk', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: zone,
        }).format(new Date(at!)),
      );
      expect(shown).toMatch(/^\d{4} ж\. \d{2} [а-яәғқңөұүһі]{3}\., \d{2}:\d{2}$/);
      // The feed in Kazakh: the shipped rules' titles are translated.
      await page.getByRole('link', { name: 'Дабылдар легі' }).click();
      await page
        .locator('[data-alert="bulk-harvesting"]')
        .getByRole('link', { name: 'Деректерді жаппай жинау (сағатына 200 субъект)' })
        .waitFor();
      await page
        .locator('[data-alert="honeytoken-touched"]')
        .filter({ hasText: 'curious-clerk' })
        .getByRole('link', { name: 'Тұзақ жазбаға қол жеткізілді' })
        .waitFor();
      // The cases in Kazakh: the harvest's case by its actor and the lender's Kazakh name.
      await page.getByRole('link', { name: 'Істер' }).click();
      const harvestTitle = page.getByRole('link', {
        name: `Қызметкер ${HARVEST_ACTOR}, оператор «Жылдам Қарыз» МҚҰ ЖШС`,
      });
      await harvestTitle.waitFor();
      // Its card names the officer once, in the title; the line under it adds the system and the
      // officer's opaque code, not the officer again.
      const harvestCard = page.locator('[data-case]').filter({ has: harvestTitle });
      expect((await harvestCard.innerText()).split(HARVEST_ACTOR)).toHaveLength(2);
      await harvestCard.locator('p', { hasText: 'Қызметкер коды: A-' }).waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      expect(problems).toEqual([]);
    });

    it('shows the open incident with its notification clock, and the rules with their hits', async () => {
      const { page, problems } = await openPage();
      await signIn(page, '/soc/incidents');
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
      const incident = page.locator('[data-incident="open"]').first();
      await incident.locator('[data-clock]').waitFor();
      await incident.getByText(/left|Overdue/).waitFor();
      // The demo's incident was opened with no title: the console composes it from its facts, in
      // the reader's language, on the list and on its page.
      const english = 'Personal data breach at Zhyldam Karyz MFO LLP (Online loan scoring)';
      await incident.getByRole('link', { name: english }).click();
      await page.getByRole('heading', { level: 2, name: 'Notification clock' }).waitFor();
      await page.getByRole('heading', { level: 1, name: english }).waitFor();
      await page.getByRole('button', { name: 'Русский' }).click();
      await page
        .getByRole('heading', {
          level: 1,
          name: 'Утечка персональных данных: ТОО МФО «Жылдам Карыз» (Online loan scoring)',
        })
        .waitFor();
      await page.getByRole('button', { name: 'Қазақша' }).click();
      await page.getByRole('link', { name: '← Инциденттер' }).click();
      await page
        .locator('[data-incident="open"]')
        .getByRole('link', {
          name: 'Дербес деректердің жылыстауы: «Жылдам Қарыз» МҚҰ ЖШС (Online loan scoring)',
        })
        .waitFor();
      expect(await page.getByText(english).count()).toBe(0);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();

      await page
        .getByRole('navigation', { name: 'Monitoring centre' })
        .getByRole('link', { name: 'Rules' })
        .click();
      const rule = page.locator('[data-rule="bulk-harvesting"]');
      await rule.getByText(/^bulk-harvesting · [1-9]\d* hits?/).waitFor();
      expect(await rule.getAttribute('data-mode')).toBe('active');

      // Shadow mode and back: each switch asks a reason and is confirmed in a dialog.
      const storm = page.locator('[data-rule="deny-storm"]');
      await storm.getByRole('button', { name: 'Switch to shadow' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Switch to shadow' }).click();
      await dialog.getByText('Give a reason.').waitFor();
      await expectNoAxeViolations(page, 'rules, the switch dialog asking a reason');
      await dialog.getByLabel('Reason for the switch').fill('Tuning the threshold for a week');
      await dialog.getByRole('button', { name: 'Switch to shadow' }).click();
      await page.locator('[data-rule="deny-storm"][data-mode="shadow"]').waitFor();
      await page.getByRole('status').filter({ hasText: 'is now Shadow.' }).waitFor();
      await storm.getByRole('button', { name: 'Switch to active' }).click();
      await dialog.getByLabel('Reason for the switch').fill('Threshold confirmed');
      await dialog.getByRole('button', { name: 'Switch to active' }).click();
      await page.locator('[data-rule="deny-storm"][data-mode="active"]').waitFor();
      expect(problems).toEqual([]);
    });

    it('lets the regulator edit a rule: a problem shown with its line, a new version, the history and a rollback', async () => {
      const { page, problems } = await openPage();
      await signIn(page, '/soc/rules', demo.staff.regulator);
      await page.getByRole('heading', { level: 1, name: 'Rules' }).waitFor();
      const rule = page.locator('[data-rule="self-access"]');
      await rule.getByText('Version 0 · shipped file').waitFor();
      await rule.getByRole('button', { name: 'Edit rule' }).click();
      const yaml = rule.getByLabel('Rule (YAML)');
      await expect.poll(() => yaml.inputValue()).toContain('id: self-access');
      const shipped = await yaml.inputValue();

      // A level the parser does not know: refused, the problem listed with its line.
      await yaml.fill(shipped.replace('level: high', 'level: severe'));
      await rule.getByLabel('Reason (recorded in the transparency log)').fill('Raise the level');
      await rule.getByRole('button', { name: 'Save new version' }).click();
      const issues = rule.getByRole('alert');
      await issues.getByText('The rule was not saved. Problems:').waitFor();
      const line = shipped.split('\n').findIndex((l) => l.startsWith('level:')) + 1;
      const at = issues.getByRole('button', { name: new RegExp(`^Line ${line}, column \\d+$`) });
      await at.click();
      // Choosing the problem puts the caret in the text area.
      expect(
        await page.evaluate(
          () =>
            (
              globalThis as unknown as {
                document: { activeElement: { tagName: string } | null };
              }
            ).document.activeElement?.tagName,
        ),
      ).toBe('TEXTAREA');
      expect(await yaml.getAttribute('aria-invalid')).toBe('true');
      await expectNoAxeViolations(page, 'rule editor, a problem listed');

      // Corrected: saved as version 1, in the list and the history.
      await yaml.fill(shipped.replace('level: high', 'level: critical'));
      await rule.getByRole('button', { name: 'Save new version' }).click();
      await page.getByRole('status').filter({ hasText: 'is now at version 1.' }).waitFor();
      await page.locator('[data-rule="self-access"][data-version="1"]').waitFor();
      await rule.getByText('Version 1 · stored by the regulator').waitFor();
      // The editor stays open on the new version.
      await expect.poll(() => yaml.inputValue()).toContain('level: critical');
      const history = rule.getByRole('table', { name: /Versions of/ });
      await history.locator('tr[data-version="1"]').getByText('New version').waitFor();
      await history.locator('tr[data-version="0"]').getByText('Shipped file').waitFor();

      // Rollback to the shipped file: version 2, through the confirmation dialog.
      await history.getByRole('button', { name: 'Roll back to version 0' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Reason (recorded in the transparency log)').fill('Back to the file');
      await dialog.getByRole('button', { name: 'Roll back to version 0' }).click();
      await page.locator('[data-rule="self-access"][data-version="2"]').waitFor();
      expect(problems).toEqual([]);
    });

    it('words too many sign-in attempts and a record that is not there in the reader’s language, on a phone; each page has its own tab title', async () => {
      const { page, problems } = await openPage({ width: 390, height: 844 });
      await page.goto(`${base}/soc`);
      await page.getByRole('button', { name: 'Русский' }).click();
      await page.getByRole('heading', { level: 1, name: 'Вход в центр мониторинга' }).waitFor();
      await expect.poll(() => page.title()).toBe('Войти — центр мониторинга Qalqan');
      // Too many failed attempts from this address: the server's problem document (as
      // src/http/auth-failures.ts writes it, the wait in it and in Retry-After). Answered here,
      // not by failing thirty times, which would lock the suite's other sign-ins out too.
      const limited = '**/v1/staff/session';
      await page.route(limited, (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 429,
              headers: { 'content-type': 'application/problem+json', 'retry-after': '50' },
              body: JSON.stringify({
                retryAfterSeconds: 50,
                type: 'urn:qalqan:problem:auth.too_many_failures',
                title: 'Too many failed authentication attempts from this address',
                status: 429,
                detail:
                  'Too many failed authentication attempts from this address; try again in 50 s.',
                code: 'auth.too_many_failures',
                requestId: 'req-limited',
              }),
            })
          : route.fallback(),
      );
      await page.getByLabel('Служебный токен').fill(demo.staff.regulator);
      await page.getByRole('button', { name: 'Войти' }).click();
      const refusal = page.getByRole('alert');
      await refusal
        .getByText(
          'Слишком много неудачных попыток входа с этого адреса. До следующей попытки: 50 секунд.',
        )
        .waitFor();
      expect(await refusal.innerText()).not.toContain('Too many');
      await refusal.getByText('auth.too_many_failures').waitFor();
      await refusal.getByText('req-limited').waitFor();
      await page.unroute(limited);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('navigation', { name: 'Центр мониторинга' }).waitFor();

      // An id not of a case's form: the server's refusal names the route's pattern in English.
      await page.goto(`${base}/soc/cases/not-a-case`);
      const failed = page.getByRole('alert');
      await failed
        .getByText('В ссылке нет правильного идентификатора дела. Проверьте её', { exact: false })
        .waitFor();
      expect(await failed.innerText()).not.toMatch(/must match pattern|not valid/);
      await failed.getByText('request.validation').waitFor();
      await expect.poll(() => page.title()).toBe('Дело — центр мониторинга Qalqan');
      await page.goto(`${base}/soc/cases/case_00000000000000000000000000`);
      await failed.getByText('Дела с таким идентификатором нет.', { exact: false }).waitFor();
      await failed.getByText('monitor.case_not_found').waitFor();

      await page.getByRole('button', { name: 'Қазақша' }).click();
      await page.goto(`${base}/soc/alerts/no-such-alert`);
      await failed.getByText('Мұндай идентификаторы бар дабыл жоқ.', { exact: false }).waitFor();
      expect(await failed.innerText()).not.toContain('No such');
      await failed.getByText('monitor.alert_not_found').waitFor();
      expect(await horizontalOverflow(page)).toBe(0);
      await expectNoAxeViolations(page, 'an alert that is not there, in Kazakh, on a phone');
      await page.goto(`${base}/soc/incidents/no-such-incident`);
      await failed.getByText('Мұндай идентификаторы бар инцидент жоқ.', { exact: false }).waitFor();
      await expect.poll(() => page.title()).toBe('Инцидент — Qalqan мониторинг орталығы');

      // Each section's tab title names it first.
      const titles: string[] = [];
      for (const section of [
        'Дабылдар легі',
        'Істер',
        'Ден қою шаралары',
        'Инциденттер',
        'Ережелер',
        'Анықтамалық тізімдер',
      ]) {
        await page
          .getByRole('navigation', { name: 'Мониторинг орталығы' })
          .getByRole('link', { name: section })
          .click();
        await page.getByRole('heading', { level: 1 }).waitFor();
        await expect.poll(() => page.title()).toBe(`${section} — Qalqan мониторинг орталығы`);
        titles.push(await page.title());
        if (section === 'Ден қою шаралары') {
          // Each response's title is a heading under the page's h1, not a level below it.
          await page.locator('.soc-responses h2').first().waitFor();
          expect(await page.locator('.soc-responses h3').count()).toBe(0);
          await expectNoAxeViolations(page, 'the responses, in Kazakh, on a phone');
        }
      }
      expect(new Set(titles).size).toBe(titles.length);
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.title()).toBe('Reference lists — Qalqan monitoring centre');
      expect(problems).toEqual([]);
    });

    it('fits a 360-px phone, and signing out ends the session', async () => {
      const { page, problems } = await openPage({ width: 360 });
      await signIn(page);
      await page.locator('[data-alert="bulk-harvesting"]').waitFor();
      expect(await horizontalOverflow(page)).toBe(0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('[data-state="signed-out"]').waitFor();
      const after = await page.evaluate(async () => {
        const response = await fetch('/v1/monitor/alerts');
        return response.status;
      });
      expect(after).toBe(401);
      expect(problems).toEqual([]);
    });
  },
);
