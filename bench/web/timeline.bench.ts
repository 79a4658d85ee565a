/**
 * Access timeline benchmark (`npm run bench:timeline`, part of `npm run bench`): how fast the
 * citizen's "Who accessed my data" page responds in Chromium when the citizen has 10,000 recorded
 * accesses, beside the same page with 100. Target: every interaction under 100 ms.
 *
 * The built web app (`web/dist`) is served at http://localhost by a local HTTP server in this
 * process, with the API answered from memory: a signed-in session, `/ledger/vkey`, and `/v1/me/accesses` paged and
 * filtered like the server (newest first, `decision` filter, `search` over every record with the
 * server's own matching from src/access/citizen-search.ts, cursor), each item with the registry's
 * names and a genuine receipt from a real in-memory ledger (src/ledger) so the page verifies every
 * record it shows.
 * Times are taken in the page with performance.now(): from the user's action to the frame after
 * the page shows its result.
 *
 *  filter   decision "Denied" chosen, until the list shows only denied records (a new API page)
 *  search   a word typed in the search box, until the list shows the API's search of all records
 *  older    "Older" pressed, until the next page of records is shown (a new API page)
 *  scroll   the window scrolled from top to bottom, until the next frame is drawn
 *
 * Options: --rounds <n> (default 15), --sizes 100,10000.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  matchesNothing,
  matchWord,
  rowMatches,
  type SearchedRow,
  type SearchFacets,
  searchWords,
} from '../../src/access/citizen-search.js';
import { indexTaxonomy } from '../../src/core/taxonomy.js';
import { createNoteSigner } from '../../src/ledger/checkpoint/note.js';
import { createLedger } from '../../src/ledger/ledger.js';
import { createMemoryLedgerStore } from '../../src/ledger/store/memory-store.js';
import { haveChromium, launchChromium, repoRoot } from '../../test/web/support/chromium.js';
import { ensureWebBuilt } from '../../test/web/support/web-build.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const ROUNDS = Number(option('--rounds', '15'));
const SIZES = option('--sizes', '100,10000').split(',').map(Number);
const TARGET_MS = 100;
const taxonomy = indexTaxonomy();
const dist = path.join(repoRoot, 'web', 'dist');

const SYSTEMS = [
  ['sys_clinic', 'op_clinic', 'health.treatment', ['identity', 'health']],
  ['sys_bank', 'op_bank', 'finance.kyc', ['identity', 'document']],
  ['sys_telematics', 'op_autowerk', 'transport.telematics-service', ['identity', 'location']],
  ['sys_school', 'op_school', 'education.enrolment', ['identity', 'education']],
] as const;

/** The registry's names of the systems and operators above, as `/v1/me/accesses` carries them. */
const NAMES: Record<string, { system: string; operator: { kk: string; ru: string; en: string } }> =
  {
    sys_clinic: {
      system: 'Electronic health record',
      operator: {
        kk: 'Қалалық емхана №5',
        ru: 'Городская поликлиника №5',
        en: 'City clinic No. 5',
      },
    },
    sys_bank: {
      system: 'Online banking',
      operator: { kk: 'Халық Банкі', ru: 'Халық Банк', en: 'Halyk Bank' },
    },
    sys_telematics: {
      system: 'Connected car',
      operator: { kk: 'AutoWerk', ru: 'AutoWerk', en: 'AutoWerk' },
    },
    sys_school: {
      system: 'School enrolment',
      operator: {
        kk: '№12 мектеп-гимназия',
        ru: 'Школа-гимназия №12',
        en: 'School-gymnasium No. 12',
      },
    },
  };

interface Item {
  readonly checkId: string;
  readonly decision: string;
  readonly [key: string]: unknown;
}

/** `count` access records, newest first, each with its receipt from a real ledger. */
async function buildAccesses(count: number): Promise<Item[]> {
  const ledger = await createLedger({
    store: createMemoryLedgerStore(),
    signer: createNoteSigner('bench.qalqan.kz/log', generateKeyPairSync('ed25519').privateKey),
    batch: { maxEntries: 256, maxDelayMs: 5 },
  });
  const start = Date.parse('2026-01-01T00:00:00Z');
  const rows = Array.from({ length: count }, (_, i) => {
    const [system, operator, purpose, categories] = SYSTEMS[i % SYSTEMS.length]!;
    const deny = i % 7 === 3;
    const at = new Date(start + i * 45 * 60_000).toISOString();
    const basis: Record<string, string> = deny
      ? { kind: 'none' }
      : { kind: 'consent', consentId: `cns_${i % 40}` };
    const reasons = deny ? ['consent.missing'] : [];
    const record = {
      check: `chk_${String(i).padStart(6, '0')}`,
      at,
      system,
      operator,
      subject: 'psn_bench_subject_0001',
      actor: `act_${i % 23}`,
      action: 'read',
      purpose,
      categories: [...categories],
      basis,
      decision: deny ? 'deny' : 'permit',
      reasons,
    };
    return { record, view: { basis, reasons, deny } };
  });
  const appended = await Promise.all(
    rows.map(({ record }) => ledger.append({ type: 'access.check', record })),
  );
  const items: Item[] = [];
  for (const [i, { record, view }] of rows.entries()) {
    const index = appended[i]!.index;
    const receipt = await ledger.receipt(index);
    items.push({
      checkId: record.check,
      at: record.at,
      systemId: record.system,
      operatorId: record.operator,
      systemName: NAMES[record.system]!.system,
      operatorName: NAMES[record.system]!.operator,
      actor: { code: record.actor },
      action: record.action,
      purpose: record.purpose,
      categories: record.categories,
      legalBasis: 'consent',
      basis: view.basis,
      decision: record.decision,
      reasons: view.reasons.map((code) => ({
        code,
        message: { kk: 'Келісім жоқ', ru: 'Нет согласия', en: 'No consent' },
      })),
      ledgerIndex: index,
      receipt: { ...receipt, inclusionProof: [...receipt.inclusionProof] },
    });
  }
  const vkey = ledger.verifierKey;
  await ledger.close();
  items.reverse();
  vkeys.set(items, vkey);
  return items;
}
const vkeys = new WeakMap<Item[], string>();

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Serves the built app and the API the timeline reads from this process, over a local HTTP
 * server: Playwright's route() would add a DevTools round trip to every request, a cost of the
 * harness that no citizen pays.
 */
async function serve(items: Item[]): Promise<{ origin: string; close(): Promise<void> }> {
  const vkey = vkeys.get(items)!;
  // The search as the server makes it: the record's fields as the store keeps them, and the
  // distinct values the store's facet query would read (src/access/citizen-search.store.ts).
  const rows: SearchedRow[] = items.map((a) => ({
    system_id: a.systemId as string,
    operator_id: a.operatorId as string,
    purpose: a.purpose as string,
    categories_json: JSON.stringify(a.categories),
    country: null,
    basis_reference: null,
    recipient_json: null,
  }));
  const facets: SearchFacets = {
    systems: SYSTEMS.map(([systemId, operatorId]) => ({
      systemId,
      operatorId,
      systemName: NAMES[systemId]!.system,
      operatorName: NAMES[systemId]!.operator,
    })),
    basisReferences: [],
    recipients: [],
  };
  const index = readFileSync(path.join(dist, 'index.html'));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    const json = (body: unknown) => send(200, 'application/json', JSON.stringify(body));
    switch (url.pathname) {
      case '/v1/portal/session':
        return json({
          signedIn: true,
          session: {
            id: 'ses_bench',
            csrfToken: 'csrf',
            expiresAt: '2099-01-01T00:00:00Z',
            idleUntil: '2099-01-01T00:00:00Z',
          },
        });
      case '/ledger/vkey':
        return send(200, 'text/plain', `${vkey}\n`);
      // No live stream here: 204 tells EventSource not to reconnect.
      case '/v1/me/inbox/stream':
        return send(204, 'text/plain', '');
      case '/v1/me/accesses': {
        const decision = url.searchParams.get('decision');
        const limit = Number(url.searchParams.get('limit') ?? '20');
        const from = Number(url.searchParams.get('cursor') ?? '0');
        const words = searchWords(url.searchParams.get('search') ?? undefined).map((word) =>
          matchWord(word, facets, taxonomy),
        );
        const matching = words.some(matchesNothing)
          ? []
          : items.filter(
              (a, i) =>
                (!decision || a.decision === decision) &&
                (words.length === 0 || rowMatches(rows[i]!, words)),
            );
        return json({
          items: matching.slice(from, from + limit),
          next: from + limit < matching.length ? String(from + limit) : null,
        });
      }
    }
    const file = path.join(dist, path.normalize(url.pathname));
    if (url.pathname.startsWith('/assets/') && file.startsWith(dist) && existsSync(file))
      return send(200, MIME[path.extname(file)] ?? 'application/octet-stream', readFileSync(file));
    return send(200, 'text/html', index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // localhost is a secure context, so the page has WebCrypto.
    origin: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs in the page: does `act`, then waits (one animation frame at a time) until `done` holds and
 * one more frame is drawn; answers the milliseconds from before `act` to that frame.
 */
async function timeInPage(page: Page, action: 'filter' | 'search' | 'older' | 'scroll') {
  return page.evaluate(async (action) => {
    // The page's globals, described here: bench files compile without the DOM library.
    type El = {
      value: string;
      getAttribute(name: string): string | null;
      dispatchEvent(event: unknown): boolean;
      click(): void;
      textContent: string | null;
    };
    const w = globalThis as unknown as {
      document: {
        querySelector(s: string): El | null;
        querySelectorAll(s: string): ArrayLike<El>;
        documentElement: { scrollHeight: number };
      };
      Event: new (type: string, init?: { bubbles: boolean }) => unknown;
      HTMLInputElement: { prototype: object };
      requestAnimationFrame(callback: () => void): number;
      scrollTo(x: number, y: number): void;
      scrollY: number;
      performance: {
        now(): number;
        getEntriesByType(
          type: 'resource',
        ): { name: string; startTime: number; responseEnd: number }[];
      };
    };
    const d = w.document;
    const frame = () => new Promise<void>((resolve) => w.requestAnimationFrame(() => resolve()));
    const rows = () => Array.from(d.querySelectorAll('ol.timeline > li'));
    const settled = () => d.querySelector('ol.timeline')?.getAttribute('aria-busy') === 'false';
    let done: () => boolean;
    const t0 = w.performance.now();
    switch (action) {
      case 'filter': {
        const select = d.querySelector('form.filters select')!;
        const target = select.value === 'deny' ? '' : 'deny';
        const wanted = target === 'deny' ? ['deny'] : ['permit', 'deny'];
        select.value = target;
        select.dispatchEvent(new w.Event('change', { bubbles: true }));
        done = () =>
          settled() &&
          rows().length > 0 &&
          wanted.includes(rows()[0]!.getAttribute('data-decision') ?? '') &&
          (target === ''
            ? rows().some((r) => r.getAttribute('data-decision') === 'permit')
            : true) &&
          (target === 'deny'
            ? rows().every((r) => r.getAttribute('data-decision') === 'deny')
            : true);
        break;
      }
      case 'search': {
        const input = d.querySelector('form.filters input[type="search"]')!;
        const word = input.value === '' ? 'finance.kyc' : '';
        // React tracks the value it set; the prototype's setter makes the change its own.
        Reflect.set(w.HTMLInputElement.prototype, 'value', word, input);
        input.dispatchEvent(new w.Event('input', { bubbles: true }));
        // Until the API's answer is shown: no typing pause is waited for (the first key after a
        // pause is searched at once, as a word pasted or chosen is).
        done = () =>
          settled() &&
          (word === ''
            ? rows().some((r) => !(r.textContent ?? '').includes('finance.kyc'))
            : rows().length > 0 && rows().every((r) => (r.textContent ?? '').includes(word)));
        break;
      }
      case 'older': {
        const first = rows()[0]?.getAttribute('data-check');
        const older = Array.from(d.querySelectorAll('button')).find(
          (b) => b.textContent === 'Older',
        )!;
        older.click();
        done = () => settled() && rows()[0]?.getAttribute('data-check') !== first;
        break;
      }
      case 'scroll': {
        const bottom = w.scrollY === 0;
        w.scrollTo(0, bottom ? d.documentElement.scrollHeight : 0);
        done = () => (bottom ? w.scrollY > 0 : w.scrollY === 0);
        break;
      }
    }
    for (let i = 0; i < 600 && !done(); i++) await frame();
    if (!done()) throw new Error(`${action}: the page did not respond`);
    await frame();
    const total = w.performance.now() - t0;
    // The API's share: from the request's start to the end of its answer.
    const api = w.performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/v1/me/accesses') && e.startTime >= t0)
      .reduce((sum, e) => sum + (e.responseEnd - e.startTime), 0);
    return { total, api };
  }, action);
}

interface Timing {
  readonly total: number;
  readonly api: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const worst = (values: number[]) => Math.max(...values);

async function main(): Promise<void> {
  if (!haveChromium) {
    console.log('timeline benchmark: SKIPPED (no /usr/bin/chromium; apt-get install chromium)');
    return;
  }
  ensureWebBuilt();
  const browser = await launchChromium();
  const results: {
    size: number;
    action: string;
    median: number;
    worst: number;
    api: number;
  }[] = [];
  try {
    for (const size of SIZES) {
      const items = await buildAccesses(size);
      const context = await browser.newContext({
        locale: 'en-US',
        viewport: { width: 1280, height: 900 },
        timezoneId: 'Asia/Almaty',
      });
      const page = await context.newPage();
      // tsx compiles this file with esbuild's keepNames, whose __name helper the in-page functions
      // then call; the page has no such helper, so give it one that does nothing.
      await page.addInitScript('globalThis.__name = (f) => f;');
      const served = await serve(items);
      const ORIGIN = served.origin;
      await page.goto(`${ORIGIN}/me/accesses`);
      await page.locator('ol.timeline > li [data-verified="true"]').first().waitFor();
      for (const action of ['filter', 'search', 'older', 'scroll'] as const) {
        if (action === 'older') {
          // From the first page each time: "Newer" back is not what is measured.
          await page.goto(`${ORIGIN}/me/accesses`);
          await page.locator('ol.timeline > li').first().waitFor();
        }
        const times: Timing[] = [];
        // Two rounds to warm up (code paths compiled, chunks loaded), then the measured ones.
        for (let round = 0; round < ROUNDS + 2; round++) {
          // Each search is a new word after a pause, as a person enters one: keys closer than the
          // page's typing pause (300 ms) are searched together once typing stops, by design.
          if (action === 'search') await page.waitForTimeout(400);
          if (action === 'older' && round > 0) {
            await page.goto(`${ORIGIN}/me/accesses`);
            await page.locator('ol.timeline > li').first().waitFor();
          }
          const timing = await timeInPage(page, action);
          if (round >= 2) times.push(timing);
        }
        const totals = times.map((t) => t.total);
        results.push({
          size,
          action,
          median: median(totals),
          worst: worst(totals),
          api: median(times.map((t) => t.api)),
        });
      }
      await context.close();
      await served.close();
    }
  } finally {
    await browser.close();
  }

  const fmt = (ms: number) => ms.toFixed(1);
  console.log(
    `\naccess timeline in Chromium, ${ROUNDS} rounds each: ms from the action to the frame showing` +
      ' its result, median / worst (median of it waiting for the API answer)',
  );
  console.log(`${'action'.padEnd(8)}${SIZES.map((s) => `${s} records`.padStart(28)).join('')}`);
  for (const action of ['filter', 'search', 'older', 'scroll']) {
    const cells = SIZES.map((size) => {
      const r = results.find((x) => x.size === size && x.action === action)!;
      return `${fmt(r.median)} / ${fmt(r.worst)} (${fmt(r.api)})`.padStart(28);
    });
    console.log(`${action.padEnd(8)}${cells.join('')}`);
  }
  const slow = results.filter((r) => r.median >= TARGET_MS);
  console.log(
    slow.length === 0
      ? `target met: every median under ${TARGET_MS} ms`
      : `target NOT met (median ≥ ${TARGET_MS} ms): ${slow.map((r) => `${r.action} @ ${r.size}`).join(', ')}`,
  );
}

await main();
