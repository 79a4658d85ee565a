/**
 * The citizen's search over all their access records (`GET /v1/me/accesses?search=`), on both
 * engines: names from the registry port in three languages, taxonomy labels, country names and
 * the free-text fields, Unicode case folding, every word required, cursor paging through all the
 * matches, only the citizen's own records; and the in-memory `rowMatches` (the timeline
 * benchmark's API) agrees with the SQL on every search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexTaxonomy } from '../core/taxonomy.js';
import { describeStorage } from '../storage/test-support/storages.js';
import type { AccessProfile } from './access.model.js';
import {
  fold,
  MAX_SEARCH_WORDS,
  matchWord,
  rowMatches,
  searchWords,
  type SearchFacets,
} from './citizen-search.js';
import { citizenFacets, FREE_TEXT_FACETS } from './citizen-search.store.js';
import {
  type AccessHarness,
  accessHarness,
  asCitizen,
  asSystem,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

const CITIZEN = iinBornOn('1988-04-12', 41);
const NEIGHBOUR = iinBornOn('1991-11-30', 61);
const taxonomy = indexTaxonomy();

const named = (
  id: string,
  systemName: string,
  operatorName: AccessProfile['operator']['name'],
): AccessProfile => {
  const base = profile(id, { name: systemName });
  return {
    ...base,
    operator: { id: base.operator.id, ...(operatorName ? { name: operatorName } : {}) },
  };
};

const BANK = 'sys_halyk_online';
const CLINIC = 'sys_clinic_emr';
const CARMAKER = 'sys_autowerk';
const LAW = 'Закон РК «О кредитных бюро», ст. 24';

describe('search words', () => {
  it('folds case and width in every script, drops repeats and keeps at most 8 words', () => {
    expect(searchWords('  ХАЛЫҚ   Bank  халық ')).toEqual(['халық', 'bank']);
    expect(fold('ＡＢＣ Ёлка İ')).toBe('abc ёлка i̇');
    expect(searchWords(undefined)).toEqual([]);
    expect(searchWords('   ')).toEqual([]);
    expect(searchWords('a b c d e f g h i j')).toHaveLength(MAX_SEARCH_WORDS);
  });

  it('resolves a word to taxonomy codes by code or label, and to countries by code or name', () => {
    const none: SearchFacets = { systems: [], basisReferences: [], recipients: [] };
    expect(matchWord('здоровье', none, taxonomy).categories).toEqual(['health']);
    expect(matchWord('денсаулық', none, taxonomy).categories).toContain('health');
    expect(matchWord('германия', none, taxonomy).countries).toEqual(['DE']);
    expect(matchWord('germany', none, taxonomy).countries).toEqual(['DE']);
    expect(matchWord('kz', none, taxonomy).countries).toContain('KZ');
    expect(matchWord('credit-scoring', none, taxonomy).purposes).toEqual([
      'finance.credit-scoring',
    ]);
  });
});

describeStorage('citizen search over all records', (fx) => {
  let h: AccessHarness;
  let me: string;
  const ids: Record<'bankLaw' | 'bankPlain' | 'clinic' | 'transfer', string[]> = {
    bankLaw: [],
    bankPlain: [],
    clinic: [],
    transfer: [],
  };
  const base = {
    subject: CITIZEN,
    actor: { id: 'clerk-7' },
    action: 'read',
    legalBasis: 'consent',
  };

  beforeAll(async () => {
    h = await accessHarness(fx.storage);
    h.profiles.set(
      BANK,
      named(BANK, 'Онлайн-банкинг', { kk: 'Халық Банкі', ru: 'Халық Банк', en: 'Halyk Bank' }),
    );
    h.profiles.set(
      CLINIC,
      named(CLINIC, 'Электронная медкарта', {
        kk: 'Қалалық емхана №5',
        ru: 'Городская поликлиника №5',
        en: 'City clinic No. 5',
      }),
    );
    h.profiles.set(
      CARMAKER,
      named(CARMAKER, 'Telematics', { kk: 'AutoWerk', ru: 'AutoWerk', en: 'AutoWerk' }),
    );
    me = h.pseudonymOf(CITIZEN);
    const batch = async (system: string, checks: object[]) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/access-checks/batch',
        headers: asSystem(system),
        payload: { checks },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ results: { checkId: string }[] }>().results.map((r) => r.checkId);
    };
    // Interleaved, so matches are spread over the timeline and pages.
    for (let round = 0; round < 6; round++) {
      ids.bankLaw.push(
        ...(await batch(
          BANK,
          Array.from({ length: 4 }, () => ({
            ...base,
            categories: ['identity', 'financial'],
            purpose: 'finance.credit-scoring',
            legalBasis: 'law',
            basisReference: LAW,
          })),
        )),
      );
      ids.bankPlain.push(
        ...(await batch(
          BANK,
          Array.from({ length: 3 }, () => ({
            ...base,
            categories: ['identity', 'financial'],
            purpose: 'finance.credit-scoring',
          })),
        )),
      );
      ids.clinic.push(
        ...(await batch(
          CLINIC,
          Array.from({ length: 5 }, () => ({
            ...base,
            categories: ['identity', 'health'],
            purpose: 'health.treatment',
          })),
        )),
      );
      ids.transfer.push(
        ...(await batch(CARMAKER, [
          {
            ...base,
            categories: ['identity', 'telematics'],
            purpose: 'transport.insurance',
            action: 'transfer',
            recipient: { name: 'AutoWerk Deutschland GmbH', identifier: 'HRB 1234' },
            country: 'DE',
          },
        ])),
      );
    }
    // Another citizen's records at the same bank: never in this citizen's answers.
    await batch(BANK, [
      {
        ...base,
        subject: NEIGHBOUR,
        categories: ['identity', 'financial'],
        purpose: 'finance.credit-scoring',
        legalBasis: 'law',
        basisReference: LAW,
      },
    ]);
  });
  afterAll(async () => {
    await h.close();
  });

  type Item = { checkId: string; decision: string };
  type Page = { items: Item[]; next: string | null };

  /** Every page of a search, `limit` at a time, following the cursor to the end. */
  async function searchAll(search: string, extra = '', limit = 7, who = me): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const query = new URLSearchParams({ search, limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      const res = await h.app.inject({
        url: `/v1/me/accesses?${query.toString()}${extra}`,
        headers: asCitizen(who),
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<Page>();
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((i) => i.checkId));
      cursor = page.next;
      if (cursor === null) return seen;
    }
    throw new Error('paging did not end');
  }
  const sorted = (list: readonly string[]) => [...list].sort();

  it('finds every record by the operator’s name in any of its languages and any letter case, page by page', async () => {
    const bank = sorted([...ids.bankLaw, ...ids.bankPlain]);
    expect(bank).toHaveLength(42);
    for (const word of ['халық', 'ХАЛЫҚ', 'Halyk', 'банкі']) {
      const found = await searchAll(word);
      expect(new Set(found).size, word).toBe(found.length);
      expect(sorted(found), word).toEqual(bank);
    }
  });

  it('finds records by system name, purpose, category, basis reference, recipient and country', async () => {
    expect(sorted(await searchAll('медкарта'))).toEqual(sorted(ids.clinic));
    expect(sorted(await searchAll('поликлиника'))).toEqual(sorted(ids.clinic));
    // A category's label in Russian and in Kazakh, and a purpose's code.
    expect(sorted(await searchAll('здоровье'))).toEqual(sorted(ids.clinic));
    expect(sorted(await searchAll('денсаулық'))).toEqual(sorted(ids.clinic));
    expect(sorted(await searchAll('credit-scoring'))).toEqual(
      sorted([...ids.bankLaw, ...ids.bankPlain]),
    );
    expect(sorted(await searchAll('кредитных'))).toEqual(sorted(ids.bankLaw));
    expect(sorted(await searchAll('deutschland'))).toEqual(sorted(ids.transfer));
    expect(sorted(await searchAll('Германия'))).toEqual(sorted(ids.transfer));
    // A country code is a word like any other: "de" is also in "identity", so more is found.
    expect(await searchAll('DE', '', 100)).toEqual(expect.arrayContaining(ids.transfer));
  });

  it('needs every word, keeps the other filters, and answers an empty page for a word found nowhere', async () => {
    expect(sorted(await searchAll('halyk ст. 24'))).toEqual(sorted(ids.bankLaw));
    expect(sorted(await searchAll('halyk поликлиника'))).toEqual([]);
    const none = await h.app.inject({
      url: '/v1/me/accesses?search=zzqqxx',
      headers: asCitizen(me),
    });
    expect(none.json()).toEqual({ items: [], next: null });
    const denied = await searchAll('халық', '&decision=deny');
    const permitted = await searchAll('халық', '&decision=permit');
    expect(sorted([...denied, ...permitted])).toEqual(sorted([...ids.bankLaw, ...ids.bankPlain]));
    // White space alone is no search: the whole timeline.
    expect(await searchAll('   ', '', 100)).toHaveLength(6 * 13);
  });

  it('searches only the citizen’s own records', async () => {
    const neighbour = await searchAll('halyk', '', 7, h.pseudonymOf(NEIGHBOUR));
    expect(neighbour).toHaveLength(1);
    expect(ids.bankLaw).not.toContain(neighbour[0]);
    expect(await searchAll('halyk', '', 7, 'psn_nobody')).toEqual([]);
  });

  it('refuses a search text over 200 characters with a problem document', async () => {
    const res = await h.app.inject({
      url: `/v1/me/accesses?search=${'a'.repeat(201)}`,
      headers: asCitizen(me),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('matches references among the 1,000 most recently used, so a search reads a bounded list', async () => {
    expect(FREE_TEXT_FACETS).toBe(1000);
    const collector = iinBornOn('1970-01-15', 71);
    const send = async (references: string[]) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/access-checks/batch',
        headers: asSystem(BANK),
        payload: {
          checks: references.map((basisReference) => ({
            ...base,
            subject: collector,
            categories: ['identity', 'financial'],
            purpose: 'finance.credit-scoring',
            legalBasis: 'law',
            basisReference,
          })),
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    const started = h.now.value;
    try {
      await send(['Судебный приказ 2-0001/2020']);
      h.now.value = new Date(started.getTime() + 60_000);
      await send(Array.from({ length: 1000 }, (_, i) => `Договор № ${i + 1}`));
    } finally {
      h.now.value = started;
    }
    const facets = await citizenFacets(fx.storage.db, h.pseudonymOf(collector));
    expect(facets.basisReferences).toHaveLength(1000);
    expect(facets.basisReferences).not.toContain('Судебный приказ 2-0001/2020');
    expect(await searchAll('договор', '', 100, h.pseudonymOf(collector))).toHaveLength(1000);
    expect(await searchAll('приказ', '', 100, h.pseudonymOf(collector))).toEqual([]);
  });

  it('means the same in memory (rowMatches) as in SQL, for every search', async () => {
    const rows = await fx.storage.db
      .selectFrom('access_checks')
      .selectAll()
      .where('subject', '=', me)
      .execute();
    const facets = await citizenFacets(fx.storage.db, me);
    const systems = facets.systems.map((s) => {
      const p = h.profiles.get(s.systemId);
      return { ...s, systemName: p?.system.name, operatorName: p?.operator.name };
    });
    for (const search of [
      'халық',
      'медкарта',
      'здоровье',
      'кредитных',
      'deutschland',
      'германия',
      'halyk ст. 24',
      'identity',
      'op_',
      'a',
      'zzqqxx',
    ]) {
      const words = searchWords(search).map((w) => matchWord(w, { ...facets, systems }, taxonomy));
      const inMemory = rows.filter((row) => rowMatches(row, words)).map((row) => row.id);
      expect(sorted(await searchAll(search, '', 100)), search).toEqual(sorted(inMemory));
    }
  });
});
