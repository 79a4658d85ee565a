/**
 * The console's reference lists page (`/soc/lists`) in real Chromium against the composed server
 * (`qalqan serve --demo` from source, serving the built web app), on the demo world: the
 * regulator registers an employee on the polyclinic's staff register by IIN (a typo caught in the
 * page, a second registration refused by the server in words) and removes them, sets the car
 * maker's working hours (an unknown time zone refused), reports and withdraws a terminated actor,
 * declares and withdraws a destination of its telematics system (an unknown country refused), and
 * the IIN is in neither the page nor its fields afterwards; the regulator uploads a staff list (a
 * file previewed and registered in one batch, a pasted list with a typo named by line and not
 * sent, one over the 1,000 limit refused in the page, a file over 4 MiB refused unread, Excel's
 * plain "CSV" read as Windows-1251 with a notice and a Kazakh letter lost as "?" named by line, a
 * DOS (CP866) list read as CP866, a Kazakh KZ-1048 list read with its Kazakh letters,
 * Excel's "Unicode text" read as UTF-16, a batch the server refuses named line by line with nothing
 * registered); the SOC analyst plants and removes a honeytoken; the auditor reads every list
 * without a form or a remove button; a 360-px phone does not scroll sideways, the upload's preview
 * included. The phone screenshots go to docs/screenshots/soc-lists-phone.png
 * and soc-lists-upload-phone.png only with QALQAN_SCREENSHOTS=1.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIin, withCheckDigit } from '../../src/core/identifiers.js';
import type { DemoCredentials } from '../../src/demo/demo.js';
import { CLINIC_STAFF, CLINIC_SYSTEM, TRANSFER_SYSTEM } from '../../src/demo/demo-monitor.js';
import {
  focusedText,
  haveChromium,
  horizontalOverflow,
  noteMissingChromium,
  saveScreenshot,
} from './support/chromium.js';
import { type DemoInBrowser, type PageOptions, startDemoInBrowser } from './support/demo-server.js';
import { expectNoAxeViolations } from './support/axe.js';
import { signInToConsole } from './support/staff-sign-in.js';
import { ibm866 } from '../../web/src/test-support/dos-unix-cyrillic.js';
import { kz1048 } from '../../web/src/test-support/kazakh-code-pages.js';
import { windows1251 } from '../../web/src/test-support/windows-1251.js';

noteMissingChromium('SOC reference lists browser tests');

/** A valid IIN no demo list holds (born 3 March 1985, a man); the serial is arbitrary. */
function freshIin(serial: number): string {
  for (let s = serial; ; s++) {
    const iin = withCheckDigit(`850303300${String(s).padStart(2, '0')}`);
    if (iin && checkIin(iin).valid) return iin;
  }
}

/** `count` valid IINs no demo list holds (born 4 April 1986, women), one for each serial. */
function freshIins(count: number, from = 0): string[] {
  const iins: string[] = [];
  for (let s = from; iins.length < count; s++) {
    const iin = withCheckDigit(`8604044${String(s).padStart(4, '0')}`);
    if (iin && checkIin(iin).valid) iins.push(iin);
  }
  return iins;
}

/** The id of the page's focused element ('' when nothing is). */
const focusedId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
        .activeElement?.id ?? '',
  );

/** Every text field's current value and the page's markup: where an IIN could linger. */
async function pageHolds(page: Page, text: string): Promise<boolean> {
  const values = await page.evaluate(() =>
    [
      ...(
        globalThis as unknown as {
          document: { querySelectorAll(s: string): Iterable<{ value: string }> };
        }
      ).document.querySelectorAll('input, textarea'),
    ].map((input) => input.value),
  );
  return values.some((value) => value.includes(text)) || (await page.content()).includes(text);
}

/**
 * Presses a form's submit button and waits for the page's announcement; a refusal shown under the
 * form instead fails the test with its text (rather than a bare timeout).
 */
async function submit(page: Page, form: Locator, announced: string, button = 'Add') {
  await form.getByRole('button', { name: button }).click();
  const done = page.getByRole('status').filter({ hasText: announced });
  const refused = form.getByRole('alert');
  await done.or(refused).first().waitFor();
  if ((await refused.count()) > 0) throw new Error(`refused: ${await refused.innerText()}`);
}

describe.skipIf(!haveChromium)(
  'monitoring centre console: reference lists in Chromium',
  { timeout: 240_000 },
  () => {
    let base: string;
    let demo: Omit<DemoCredentials, 'file'>;
    let demoServer: DemoInBrowser;

    beforeAll(async () => {
      demoServer = await startDemoInBrowser({ width: 1200 });
      ({ base, demo } = demoServer);
    }, 300_000);

    afterAll(async () => {
      await demoServer?.close();
    });

    const openPage = (options?: PageOptions) => demoServer.openPage(options);

    async function signIn(page: Page, token: string) {
      await signInToConsole(page, `${base}/soc/lists`, token);
      await page.getByRole('heading', { level: 1, name: 'Reference lists' }).waitFor();
    }

    /** The operator of a demo system, as the registry has it (the regulator may read it). */
    async function operatorOf(
      systemName: string,
    ): Promise<{ operatorId: string; systemId: string }> {
      const { systemId } = demo.systems.find((s) => s.system === systemName)!;
      const response = await fetch(`${base}/v1/registry/systems/${systemId}`, {
        headers: { authorization: `Bearer ${demo.staff.regulator}` },
      });
      const system = (await response.json()) as { operatorId: string };
      return { operatorId: system.operatorId, systemId };
    }

    it('lets the regulator add and remove a staff member by IIN, set working hours, report a terminated actor and declare a destination, the IIN gone from the page', async () => {
      const { page, problems } = await openPage();
      await signIn(page, demo.staff.regulator);
      await page.getByRole('link', { name: 'Reference lists' }).waitFor();

      // The watch lists are the SOC's: the regulator reads them, with no form and no remove.
      const honeytokens = page.locator('[data-list="honeytokens"]');
      await honeytokens.locator('[data-entry]').first().waitFor();
      await honeytokens.getByText('only the analyst may change it').waitFor();
      expect(await honeytokens.locator('form').count()).toBe(0);
      expect(await honeytokens.getByRole('button', { name: /^Remove/ }).count()).toBe(0);

      // The polyclinic's staff register: its two employees, by label and pseudonym.
      const clinic = await operatorOf(CLINIC_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(clinic.operatorId);
      const staff = page.locator('[data-list="staff"]');
      for (const member of CLINIC_STAFF)
        await staff.getByText(member.label, { exact: true }).waitFor();
      const before = await staff.locator('[data-entry]').count();

      // A typo is caught in the page, in words, and nothing is sent.
      const iin = freshIin(11);
      const typo = `${iin.slice(0, 11)}${(Number(iin[11]) + 1) % 10}`;
      const form = staff.getByRole('form', { name: 'Add to “Staff register”' });
      await form.getByLabel('IIN').fill(typo);
      await form.getByRole('button', { name: 'Add' }).click();
      await form.getByText('The check digit does not match: look for a typo.').waitFor();
      expect(await form.getByLabel('IIN').getAttribute('aria-invalid')).toBe('true');
      await expectNoAxeViolations(page, 'lists, an IIN refused in the page');
      expect(await staff.locator('[data-entry]').count()).toBe(before);

      // Registered: shown by its label and pseudonym; the field is empty and the number is gone.
      await form.getByLabel('IIN').fill(`${iin.slice(0, 6)} ${iin.slice(6)}`);
      await form.getByLabel('Actor id (optional)').fill('night-nurse-07');
      await form.getByLabel('Label (optional)').fill('Night nurse');
      await submit(page, form, 'Added to “Staff register”.');
      const added = staff.locator('[data-entry]').filter({ hasText: 'Night nurse' });
      await added.getByText('night-nurse-07').waitFor();
      expect(await form.getByLabel('IIN').inputValue()).toBe('');
      expect(await pageHolds(page, iin)).toBe(false);
      expect(await pageHolds(page, iin.slice(6))).toBe(false);

      // A second registration of the same person is the server's 409, worded by its code.
      await form.getByLabel('IIN').fill(iin);
      await form.getByRole('button', { name: 'Add' }).click();
      const refusal = form.getByRole('alert');
      await refusal.getByText('This entry is already on the list.').waitFor();
      await refusal.getByText('monitor.reference_exists').waitFor();
      expect(await pageHolds(page, iin)).toBe(false);

      // Removed through the confirmation dialog; focus goes to the list's heading.
      await added.getByRole('button', { name: 'Remove Night nurse' }).click();
      const dialog = page.getByRole('dialog', {
        name: 'Remove Night nurse from “Staff register”?',
      });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Night nurse removed from “Staff register”.' })
        .waitFor();
      await added.waitFor({ state: 'detached' });
      expect(await staff.locator('[data-entry]').count()).toBe(before);
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              (globalThis as unknown as { document: { activeElement: { id: string } | null } })
                .document.activeElement?.id,
          ),
        )
        .toBe('list-staff');

      // The car maker's telematics system: Germany declared; France added, then withdrawn.
      const carMaker = await operatorOf(TRANSFER_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(carMaker.operatorId);

      // Its working hours: an unknown time zone is the server's 400, worded; then set and shown.
      const hours = page.locator('[data-list="working-hours"]');
      const setHours = hours.getByRole('form', { name: 'Set the working hours' });
      await setHours.getByLabel('Time zone').fill('Mars/Olympus_Mons');
      await setHours.getByLabel('Saturday').check();
      await setHours.getByRole('button', { name: 'Save working hours' }).click();
      const refused = setHours.getByRole('alert');
      await refused.getByText(/^These working hours are not valid/).waitFor();
      // The server's detail, which names the refused value, under the page's own words.
      await refused.getByText("Working hours: unknown time zone 'Mars/Olympus_Mons'.").waitFor();
      await setHours.getByLabel('Time zone').fill('Asia/Almaty');
      await setHours.getByLabel('From').fill('08:30');
      await submit(page, setHours, 'Working hours saved.', 'Save working hours');
      await hours
        .locator('[data-entry="working-hours"]')
        .getByText(
          'Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, 08:30–18:00 (Asia/Almaty)',
        )
        .waitFor();

      // A terminated actor reported, then withdrawn.
      const terminated = page.locator('[data-list="terminated-actors"]');
      const report = terminated.getByRole('form', { name: 'Add to “Terminated actors”' });
      await report.getByLabel('Actor id', { exact: true }).fill('line-engineer-3');
      await submit(page, report, 'Added to “Terminated actors”.');
      const engineer = terminated.locator('[data-entry="line-engineer-3"]');
      await engineer.getByText(/^Terminated /).waitFor();
      await engineer.getByRole('button', { name: 'Remove line-engineer-3' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await engineer.waitFor({ state: 'detached' });

      const destinations = page.locator('[data-list="destinations"]');
      await destinations.getByLabel('System', { exact: true }).selectOption(carMaker.systemId);
      await destinations.locator('[data-entry="DE"]').waitFor();
      const declare = destinations.getByRole('form', { name: 'Add to “Declared destinations”' });
      // Not two letters: caught in the page. Two letters that are no country: the server's 400.
      await declare.getByLabel('Country code').fill('F');
      await declare.getByRole('button', { name: 'Add' }).click();
      await declare.getByText('Give a two-letter country code.').waitFor();
      await declare.getByLabel('Country code').fill('XX');
      await declare.getByRole('button', { name: 'Add' }).click();
      await declare
        .getByRole('alert')
        .getByText('That is not a country code the centre knows.')
        .waitFor();
      await declare.getByLabel('Country code').fill('fr');
      await declare.getByLabel('Note (optional)').fill('Warranty analytics');
      await submit(page, declare, 'Added to “Declared destinations”.');
      const france = destinations.locator('[data-entry="FR"]');
      await france.getByText('Warranty analytics').waitFor();
      expect(await declare.getByRole('alert').count()).toBe(0);
      await france.getByRole('button', { name: 'Remove FR' }).click();
      const withdraw = page.getByRole('dialog', {
        name: 'Remove FR from “Declared destinations”?',
      });
      // Keyboard only: focus starts on Cancel; Shift+Tab reaches Remove, Enter confirms.
      await withdraw.waitFor();
      await expect.poll(() => focusedText(page)).toBe('Cancel');
      await page.keyboard.press('Shift+Tab');
      expect(await focusedText(page)).toBe('Remove');
      await page.keyboard.press('Enter');
      await withdraw.waitFor({ state: 'hidden' });
      await france.waitFor({ state: 'detached' });
      await destinations.locator('[data-entry="DE"]').waitFor();

      // The API agrees: France is not declared, Germany still is; the employee is not registered.
      const declared = await fetch(`${base}/v1/monitor/systems/${carMaker.systemId}/destinations`, {
        headers: { authorization: `Bearer ${demo.staff.auditor}` },
      });
      const countries = ((await declared.json()) as { items: { country: string }[] }).items.map(
        (item) => item.country,
      );
      expect(countries).toEqual(['DE']);
      expect(problems).toEqual([]);
    });

    it('lets the regulator upload a staff list: previewed, bad lines named before sending, a refused batch named line by line, a good one registered and announced', async () => {
      const { page, problems } = await openPage();
      await signIn(page, demo.staff.regulator);
      const clinic = await operatorOf(CLINIC_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(clinic.operatorId);
      const staff = page.locator('[data-list="staff"]');
      await staff.getByText(CLINIC_STAFF[0]!.label, { exact: true }).waitFor();
      const before = await staff.locator('[data-entry]').count();
      const upload = staff.getByRole('form', { name: 'Upload a staff list' });
      const preview = upload.locator('[data-preview]');
      const [ward, registrar, porter, cook, typoed] = freshIins(5, 100);

      // A good list as a spreadsheet saves it: BOM, header, CRLF, a blank line, a quoted comma.
      await upload.getByLabel('Staff list file (CSV)').setInputFiles({
        name: 'staff.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          '\uFEFFiin,actorId,label\r\n' +
            `${ward},upload-01,"Ward 3, nights"\r\n` +
            '\r\n' +
            `${registrar},,Registrar\r\n` +
            `${porter},upload-03,\r\n`,
        ),
      });
      await preview.getByText('3 employees found.').waitFor();
      await expect.poll(() => focusedText(page)).toBe('Before sending');
      await preview.getByText('The first line was read as the names of the columns.').waitFor();
      expect(await preview.locator('[data-row]').evaluateAll((rows) => rows.length)).toBe(3);
      const wardRow = preview.locator('[data-row="2"]');
      await wardRow.getByText('Ward 3, nights').waitFor();
      await wardRow.getByText(ward!.slice(-4), { exact: true }).waitFor();
      expect(await pageHolds(page, ward!)).toBe(false);
      await upload.getByRole('button', { name: 'Register 3 employees' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: '3 employees registered on “Staff register”.' })
        .waitFor();
      await staff.locator('[data-entry]').filter({ hasText: 'Ward 3, nights' }).waitFor();
      await staff.locator('[data-entry]').filter({ hasText: 'Registrar' }).waitFor();
      await staff.locator('[data-entry]').filter({ hasText: 'upload-03' }).waitFor();
      expect(await staff.locator('[data-entry]').count()).toBe(before + 3);
      // Sent, so gone from the page: no preview, no file chosen, no IIN; focus on the list.
      await expect.poll(() => focusedId(page)).toBe('list-staff');
      expect(await preview.count()).toBe(0);
      expect(await upload.getByLabel('Staff list file (CSV)').inputValue()).toBe('');
      for (const iin of [ward!, registrar!, porter!])
        expect(await pageHolds(page, iin)).toBe(false);

      // Pasted with the keyboard, semicolons, a typo on line 3: named in the page, nothing sent.
      const typo = `${typoed!.slice(0, 11)}${(Number(typoed![11]) + 1) % 10}`;
      const pasted = upload.getByLabel('Or paste the list');
      await pasted.fill(`iin;label\n${cook};Cook\n${typo};Cook too\n`);
      await pasted.focus();
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Check the pasted list');
      await page.keyboard.press('Enter');
      await preview.getByText('1 employee found.').waitFor();
      await expect.poll(() => focusedText(page)).toBe('Before sending');
      const lineProblems = preview.locator('[data-problems]');
      await lineProblems.getByText('1 line cannot be sent.', { exact: false }).waitFor();
      await lineProblems
        .getByText('Line 3: The check digit does not match: look for a typo.')
        .waitFor();
      expect(await upload.getByRole('button', { name: /^Register/ }).count()).toBe(0);
      // Nothing sent, so the pasted list stays to be corrected; "Start again" clears it.
      expect(await pasted.inputValue()).toContain(typo);
      await upload.getByRole('button', { name: 'Start again' }).click();
      expect(await pasted.inputValue()).toBe('');
      expect(await preview.count()).toBe(0);
      const fileId = await upload.getByLabel('Staff list file (CSV)').getAttribute('id');
      await expect.poll(() => focusedId(page)).toBe(fileId);

      // More than the server takes: refused in the page, with the limit.
      await pasted.fill(freshIins(1001, 2000).join('\n'));
      await upload.getByRole('button', { name: 'Check the pasted list' }).click();
      await preview.getByText('1001 employees found.').waitFor();
      // Only the first five lines are shown.
      expect(await preview.locator('[data-row]').count()).toBe(5);
      await preview
        .locator('[data-too-many]')
        .getByText('That is more than 1,000 employees', { exact: false })
        .waitFor();
      expect(await upload.getByRole('button', { name: /^Register/ }).count()).toBe(0);
      await upload.getByRole('button', { name: 'Start again' }).click();

      // A file over 4 MiB is no staff list: refused, with the limit, and nothing read. A sparse
      // file on disk: the browser learns its size without 4 MiB crossing the DevTools protocol.
      const file = upload.getByLabel('Staff list file (CSV)');
      const dir = await mkdtemp(path.join(tmpdir(), 'qalqan-staff-upload-'));
      try {
        const big = path.join(dir, 'export.csv');
        await writeFile(big, '');
        await truncate(big, 4 * 1024 * 1024 + 1);
        await file.setInputFiles(big);
        await preview
          .getByRole('alert')
          .getByText('The file is larger than any list of 1,000 employees. Choose the staff list.')
          .waitFor();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await preview.locator('[data-found]').count()).toBe(0);

      // Excel's plain "CSV" in a Russian or Kazakh Windows: Windows-1251, semicolons. Read so, with
      // a word to check the names; a Kazakh letter it lacks, saved as "?", keeps the list unsent.
      const [nurse, lost] = freshIins(2, 400);
      await file.setInputFiles({
        name: 'staff-1251.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          windows1251(`ИИН;Метка\r\n${nurse};Серікова Алёна\r\n${lost};?алия\r\n`),
        ),
      });
      await preview.getByText('1 employee found.').waitFor();
      await preview
        .locator('[data-encoding="windows-1251"]')
        .getByText('The file is not UTF-8, so it was read as Windows-1251', { exact: false })
        .waitFor();
      await preview
        .locator('[data-row="2"]')
        .getByText('Серікова Алёна', { exact: true })
        .waitFor();
      expect(await preview.locator('[data-line]').allInnerTexts()).toEqual([
        'Line 3: A “?” in the actor id or the label: Windows-1251 has none of the letters ә, ғ, қ, ң, ө, ұ, ү, һ, so each became “?” when the file was saved. Save the list as “CSV UTF-8” and choose it again.',
      ]);
      expect(await upload.getByRole('button', { name: /^Register/ }).count()).toBe(0);

      // A list exported from a DOS program: CP866, told apart from Windows-1251 by its letters in
      // Chromium's own decoders, and named in the notice.
      await file.setInputFiles({
        name: 'staff-dos.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(ibm866(`ИИН;Метка\r\n${nurse};Сёмина Алёна\r\n`)),
      });
      await preview.locator('[data-row="2"]').getByText('Сёмина Алёна', { exact: true }).waitFor();
      await preview
        .locator('[data-encoding="ibm866"]')
        .getByText('The file is not UTF-8, so it was read as CP866', { exact: false })
        .waitFor();
      await upload.getByRole('button', { name: 'Register 1 employee' }).waitFor();

      // A list exported from a Kazakh system in KZ-1048, a code page Chromium cannot decode: read
      // with its Kazakh letters from the page's own table, named in the notice, and sendable.
      await file.setInputFiles({
        name: 'staff-kz.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(kz1048(`ЖСН;Белгі\r\n${nurse};Әлібек Құрманғали\r\n`)),
      });
      await preview
        .locator('[data-row="2"]')
        .getByText('Әлібек Құрманғали', { exact: true })
        .waitFor();
      await preview
        .locator('[data-encoding="kz-1048"]')
        .getByText('The file is not UTF-8, so it was read as KZ-1048', { exact: false })
        .waitFor();
      await upload.getByRole('button', { name: 'Register 1 employee' }).waitFor();

      // Excel's "Unicode text": UTF-16 with its byte-order mark and tabs, read as it is, no notice.
      await file.setInputFiles({
        name: 'staff.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from(`\uFEFFiin\tlabel\r\n${nurse}\tҚайрат Әлиев\r\n`, 'utf16le'),
      });
      await preview.locator('[data-row="2"]').getByText('Қайрат Әлиев', { exact: true }).waitFor();
      expect(await preview.locator('[data-encoding]').count()).toBe(0);
      await upload.getByRole('button', { name: 'Register 1 employee' }).waitFor();
      await upload.getByRole('button', { name: 'Start again' }).click();

      // A list the page takes but the server refuses: the demo's therapist again, and the
      // receptionist's actor id. Nothing registered; each refused line named, with whom it
      // collides; the porter on a good line is not registered either (all or none).
      const [therapist, reception] = CLINIC_STAFF;
      await upload.getByLabel('Staff list file (CSV)').setInputFiles({
        name: 'more-staff.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          'iin,actorId,label\n' +
            `${cook},upload-04,Cook\n` +
            `${therapist!.iin},,Therapist again\n` +
            `${typoed},${reception!.actorId},Night porter\n`,
        ),
      });
      await upload.getByRole('button', { name: 'Register 3 employees' }).click();
      const refused = upload.locator('[data-outcome="refused"]');
      await refused
        .getByText(
          'The server refused 2 entries, so no one was registered. Correct the list and upload it again.',
        )
        .waitFor();
      await expect.poll(() => focusedText(page)).toContain('The server refused 2 entries');
      expect(await refused.locator('[data-line]').allInnerTexts()).toEqual([
        'Line 3: This person is already on the register, as Therapist.',
        'Line 4: This actor id is already on the register, for Reception.',
      ]);
      expect(await staff.locator('[data-entry]').count()).toBe(before + 3);
      expect(await staff.getByText('Cook', { exact: true }).count()).toBe(0);
      // Sent, so cleared, refused or not: the file is to be corrected and chosen again.
      expect(await preview.count()).toBe(0);
      expect(await upload.getByLabel('Staff list file (CSV)').inputValue()).toBe('');
      for (const iin of [cook!, typoed!, therapist!.iin])
        expect(await pageHolds(page, iin)).toBe(false);

      // The API agrees: the three registered, none of the refused batch.
      const listed = await fetch(`${base}/v1/monitor/operators/${clinic.operatorId}/staff`, {
        headers: { authorization: `Bearer ${demo.staff.auditor}` },
      });
      const labels = ((await listed.json()) as { items: { label: string | null }[] }).items.map(
        (item) => item.label,
      );
      expect(labels).toEqual(expect.arrayContaining(['Ward 3, nights', 'Registrar']));
      expect(labels).not.toContain('Cook');
      expect(labels).not.toContain('Night porter');

      // A send that gets no answer (the connection lost) keeps the list, to send it again.
      await page.route(
        `**/v1/monitor/operators/${clinic.operatorId}/staff/batch`,
        (route) => route.abort('connectionreset'),
        { times: 1 },
      );
      await upload.getByLabel('Or paste the list').fill(`${cook},upload-05,Cook\n`);
      await upload.getByRole('button', { name: 'Check the pasted list' }).click();
      await preview.getByText('1 employee found.').waitFor();
      await upload.getByRole('button', { name: 'Register 1 employee' }).click();
      await upload.locator('[data-outcome="failed"]').waitFor();
      expect(await upload.getByLabel('Or paste the list').inputValue()).toContain(cook!);
      await upload.getByRole('button', { name: 'Register 1 employee' }).click();
      // On the register itself (the preview's table shows the label too, until it is cleared).
      await staff.locator('[data-entry]').getByText('Cook', { exact: true }).waitFor();
      expect(await upload.getByLabel('Or paste the list').inputValue()).toBe('');
      expect(await upload.locator('[data-outcome]').count()).toBe(0);

      // In Russian: the upload, its preview and its plural forms.
      await page.getByRole('button', { name: 'Русский' }).click();
      const uploadRu = staff.getByRole('form', { name: 'Загрузить список сотрудников' });
      await uploadRu.getByLabel('Или вставьте список').fill(`${cook}\n${typoed}\n`);
      await uploadRu.getByRole('button', { name: 'Проверить вставленный список' }).click();
      await uploadRu.getByText('Найдено 2 сотрудника.').waitFor();
      await uploadRu.getByRole('button', { name: 'Зарегистрировать 2 сотрудников' }).waitFor();
      await uploadRu.getByRole('button', { name: 'Начать заново' }).click();
      await page.getByRole('button', { name: 'English' }).click();
      expect(problems).toEqual([]);
    });

    it('lets the SOC analyst plant and remove a honeytoken by IIN, and words the refusals in Russian', async () => {
      const { page, problems } = await openPage();
      await signIn(page, demo.staff.soc);
      const honeytokens = page.locator('[data-list="honeytokens"]');
      const form = honeytokens.getByRole('form', { name: 'Add to “Honeytoken subjects”' });
      const iin = freshIin(42);
      await form.getByLabel('IIN').fill(iin);
      await form.getByLabel('Label (optional)').fill('Decoy 42');
      await submit(page, form, 'Added to “Honeytoken subjects”.');
      const decoy = honeytokens.locator('[data-entry]').filter({ hasText: 'Decoy 42' });
      await decoy.waitFor();
      expect(await pageHolds(page, iin)).toBe(false);
      // Who added it is read as words ("you"), not as the ledger's actor reference.
      expect(await decoy.textContent()).toContain(' by you');
      expect(await decoy.textContent()).not.toContain('staff:');

      // The analyst's own lists are the watch lists only: an operator's are read-only to them.
      const clinic = await operatorOf(CLINIC_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(clinic.operatorId);
      await page.locator('[data-list="staff"] [data-read-only]').waitFor();
      expect(await page.locator('[data-list="staff"] form').count()).toBe(0);

      // In Russian, a refusal is worded by its code: the same person planted twice.
      await page.getByRole('button', { name: 'Русский' }).click();
      await page.getByRole('heading', { level: 1, name: 'Справочные списки' }).waitFor();
      const formRu = honeytokens.getByRole('form', { name: 'Добавить в «Субъекты-приманки»' });
      await formRu.getByLabel('ИИН').fill(iin);
      await formRu.getByRole('button', { name: 'Добавить' }).click();
      await formRu.getByRole('alert').getByText('Эта запись уже есть в списке.').waitFor();
      expect(await decoy.textContent()).toContain('кем: вы');
      await decoy.getByRole('button', { name: 'Удалить Decoy 42' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Удалить' }).click();
      await decoy.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'English' }).click();
      expect(await pageHolds(page, iin)).toBe(false);
      expect(problems).toEqual([]);
    });

    it('shows every list read-only to the auditor: no form, no remove button', async () => {
      const { page, problems } = await openPage();
      await signIn(page, demo.staff.auditor);
      await page.locator('[data-list="honeytokens"] [data-entry]').first().waitFor();
      const clinic = await operatorOf(CLINIC_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(clinic.operatorId);
      await page.locator('[data-list="staff"] [data-entry]').first().waitFor();
      const carMaker = await operatorOf(TRANSFER_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(carMaker.operatorId);
      await page.getByLabel('System', { exact: true }).selectOption(carMaker.systemId);
      await page.locator('[data-list="destinations"] [data-entry="DE"]').waitFor();
      for (const list of [
        'honeytokens',
        'protected-persons',
        'working-hours',
        'terminated-actors',
        'staff',
        'destinations',
      ])
        await page.locator(`[data-list="${list}"] [data-read-only]`).waitFor();
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
      expect(await page.getByLabel('IIN').count()).toBe(0);
      expect(problems).toEqual([]);
    });

    it('fits a 360-px phone', async () => {
      const { page, problems } = await openPage({ width: 360 });
      await signIn(page, demo.staff.regulator);
      const clinic = await operatorOf(CLINIC_SYSTEM);
      await page.getByLabel('Operator', { exact: true }).selectOption(clinic.operatorId);
      await page.locator('[data-list="staff"] [data-entry]').first().waitFor();
      await page.locator('[data-list="staff"]').scrollIntoViewIfNeeded();
      expect(await horizontalOverflow(page)).toBe(0);
      saveScreenshot('soc-lists-phone.png', await page.screenshot());
      // The upload's preview too: its table and a line it cannot send, within the phone's width.
      const upload = page.getByRole('form', { name: 'Upload a staff list' });
      const [first, second] = freshIins(2, 300);
      await upload
        .getByLabel('Or paste the list')
        .fill(
          `iin,actorId,label\n${first},upload-phone-1,"Emergency department, night shift"\n${second!.slice(0, 11)}x\n`,
        );
      await upload.getByRole('button', { name: 'Check the pasted list' }).click();
      await upload.locator('[data-problems]').waitFor();
      await upload.locator('[data-row]').first().waitFor();
      expect(await horizontalOverflow(page)).toBe(0);
      await expectNoAxeViolations(page, 'lists on a phone, an upload with a line it cannot send');
      await upload.locator('[data-preview]').evaluate((preview) =>
        (preview as unknown as { scrollIntoView(options: object): void }).scrollIntoView({
          block: 'start',
        }),
      );
      saveScreenshot('soc-lists-upload-phone.png', await page.screenshot());
      // The table's column names are longer in Russian and Kazakh: it scrolls in its box, and the
      // page still does not scroll sideways.
      for (const [language, column] of [
        ['Русский', 'Идентификатор исполнителя'],
        ['Қазақша', 'Орындаушы идентификаторы'],
      ] as const) {
        await page.getByRole('button', { name: language }).click();
        await page.getByRole('columnheader', { name: column }).waitFor();
        expect(await horizontalOverflow(page), language).toBe(0);
      }
      expect(problems).toEqual([]);
    });
  },
);
