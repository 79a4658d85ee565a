import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_EVENT_TYPES,
  CONSENT_STATES,
  type ConsentRecord,
  type ConsentState,
} from './consent.model.js';
import { isFinal, nextState, possibleEvents, replay } from './consent-state.js';
import { coverage, effectiveState, type CoverageQuery } from './coverage.js';
import { ageOn, isMinorOn, majorityDate } from './minors.js';

/** The transitions, written out once more as the oracle. */
const ALLOWED: ReadonlySet<string> = new Set([
  'requested given active',
  'requested refused refused',
  'requested expired expired',
  'active withdrawn withdrawn',
  'active withdrawal-refused active',
  'active expired expired',
  'active paused paused',
  'paused resumed active',
  'paused withdrawn withdrawn',
  'paused withdrawal-refused paused',
  'paused expired expired',
]);

const eventType = fc.constantFrom(...CONSENT_EVENT_TYPES);

describe('consent state machine', () => {
  it('allows exactly the transitions the issue lists', () => {
    for (const state of CONSENT_STATES)
      for (const event of CONSENT_EVENT_TYPES) {
        const next = nextState(state, event);
        const allowed = [...ALLOWED].find((t) => t.startsWith(`${state} ${event} `));
        expect(next, `${state} --${event}-->`).toBe(allowed ? allowed.split(' ')[2] : null);
      }
  });

  it('final states are refused, expired and withdrawn, and nothing leaves them', () => {
    expect(CONSENT_STATES.filter(isFinal).sort()).toEqual(['expired', 'refused', 'withdrawn']);
    for (const state of CONSENT_STATES.filter(isFinal)) expect(possibleEvents(state)).toEqual([]);
  });

  it('replay accepts a log iff it opens with requested and every step is allowed', () => {
    fc.assert(
      fc.property(fc.array(eventType, { maxLength: 12 }), (types) => {
        const result = replay(types.map((type) => ({ type })));
        let state: ConsentState | null = null;
        let firstBad = -1;
        for (const [i, type] of types.entries()) {
          const next: ConsentState | null =
            state === null
              ? type === 'requested'
                ? 'requested'
                : null
              : (([...ALLOWED].find((t) => t.startsWith(`${state} ${type} `))?.split(' ')[2] as
                  ConsentState | undefined) ?? null);
          if (next === null) {
            firstBad = i;
            break;
          }
          state = next;
        }
        if (types.length === 0) expect(result.ok).toBe(false);
        else if (firstBad >= 0) expect(result).toEqual({ ok: false, at: firstBad, state });
        else expect(result).toEqual({ ok: true, state });
      }),
    );
  });

  it('a log that reaches a final state accepts no further event', () => {
    fc.assert(
      fc.property(fc.array(eventType, { maxLength: 10 }), eventType, (types, extra) => {
        const result = replay([{ type: 'requested' }, ...types.map((type) => ({ type }))]);
        fc.pre(result.ok && isFinal(result.state));
        const after = replay([
          { type: 'requested' },
          ...types.map((type) => ({ type })),
          { type: extra },
        ]);
        expect(after.ok).toBe(false);
      }),
    );
  });
});

const SYSTEM = 'sys_A';
const OPERATOR = 'op_A';
const SUBJECT = 'pseudo-1';
const NOW = '2026-11-25T09:00:00.000Z';

function consent(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'cns_1',
    subject: SUBJECT,
    controller: OPERATOR,
    systems: [SYSTEM],
    purposes: ['transport.insurance'],
    categories: ['identity', 'telematics'],
    legalBasis: 'consent',
    recipients: [{ identifier: 'DE-HRB-1', name: 'Allsicher Versicherung AG', country: 'DE' }],
    processingCountries: ['KZ'],
    storageCountries: ['KZ'],
    retention: 'P1Y',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2027-01-01T00:00:00.000Z',
    requestExpiresAt: '2026-01-08T00:00:00.000Z',
    collectionMethod: 'portal',
    language: 'ru',
    policyUrl: 'https://example.kz/policy',
    withdrawalMethod: 'portal',
    message: { kk: 'к', ru: 'р', en: 'e' },
    callbackUrl: null,
    state: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 2,
    ...overrides,
  };
}

function query(overrides: Partial<CoverageQuery> = {}): CoverageQuery {
  return {
    subject: SUBJECT,
    system: SYSTEM,
    operator: OPERATOR,
    purpose: 'transport.insurance',
    categories: ['telematics'],
    at: NOW,
    ...overrides,
  };
}

describe('coverage', () => {
  it('an active consent in its validity covers its purpose and categories', () => {
    const result = coverage([consent()], query());
    expect(result.covered && result.consent.id).toBe('cns_1');
  });

  it.each([
    ['no consents at all', [], query(), 'none'],
    ['another system', [consent({ systems: ['sys_B'] })], query(), 'none'],
    ['another operator', [consent({ controller: 'op_B' })], query(), 'none'],
    ['another subject', [consent({ subject: 'other' })], query(), 'none'],
    ['past its end date', [consent({ validUntil: NOW })], query(), 'expired'],
    ['marked expired', [consent({ state: 'expired' })], query(), 'expired'],
    ['withdrawn', [consent({ state: 'withdrawn' })], query(), 'withdrawn'],
    ['paused', [consent({ state: 'paused' })], query(), 'paused'],
    [
      'only requested',
      [
        consent({
          state: 'requested',
          validFrom: null,
          requestExpiresAt: '2027-01-01T00:00:00.000Z',
        }),
      ],
      query(),
      'not-given',
    ],
    ['refused', [consent({ state: 'refused', validFrom: null })], query(), 'not-given'],
    ['another purpose', [consent()], query({ purpose: 'marketing' }), 'purpose-not-covered'],
    [
      'a category too many',
      [consent()],
      query({ categories: ['telematics', 'health'] }),
      'category-not-covered',
    ],
    [
      'recipient not named',
      [consent()],
      query({ recipient: { name: 'Other AG' }, country: 'DE' }),
      'recipient-not-named',
    ],
    [
      'recipient named for another country',
      [consent()],
      query({ recipient: { identifier: 'DE-HRB-1' }, country: 'FR' }),
      'country-not-named',
    ],
    ['no recipient in that country', [consent()], query({ country: 'US' }), 'country-not-named'],
  ] as const)('%s → %s', (_name, consents, q, code) => {
    const result = coverage(consents, q);
    expect(result.covered).toBe(false);
    if (!result.covered) expect(result.reason.code).toBe(code);
    if (!result.covered)
      for (const lang of ['kk', 'ru', 'en'] as const) expect(result.reason[lang]).not.toBe('');
  });

  it('names the categories that are missing', () => {
    const result = coverage([consent()], query({ categories: ['identity', 'health', 'location'] }));
    expect(!result.covered && result.missing).toEqual(['health', 'location']);
  });

  it('a transfer is covered for a recipient and country named together, by id or by name', () => {
    expect(
      coverage([consent()], query({ recipient: { identifier: 'DE-HRB-1' }, country: 'DE' }))
        .covered,
    ).toBe(true);
    expect(
      coverage(
        [consent()],
        query({ recipient: { name: ' allsicher  versicherung ag' }, country: 'DE' }),
      ).covered,
    ).toBe(true);
  });

  it('explains with the nearest miss: a withdrawn consent for the purpose beats another purpose', () => {
    const result = coverage(
      [
        consent({ id: 'cns_other', purposes: ['marketing'] }),
        consent({ id: 'cns_w', state: 'withdrawn' }),
      ],
      query(),
    );
    expect(!result.covered && [result.reason.code, result.consentId]).toEqual([
      'withdrawn',
      'cns_w',
    ]);
  });

  const arbitraryConsent = fc
    .record({
      state: fc.constantFrom(...CONSENT_STATES),
      purposes: fc.subarray(['a.x', 'b.y', 'c.z'], { minLength: 1 }),
      categories: fc.subarray(['identity', 'health', 'location', 'telematics']),
      recipients: fc.array(
        fc.record({ name: fc.constantFrom('R1', 'R2'), country: fc.constantFrom('KZ', 'DE') }),
        { maxLength: 2 },
      ),
      validUntil: fc.constantFrom('2026-06-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z'),
      system: fc.constantFrom(SYSTEM, 'sys_B'),
      id: fc.uuid(),
    })
    .map((r) => consent({ ...r, systems: [r.system] }));
  const arbitraryQuery = fc
    .record({
      purpose: fc.constantFrom('a.x', 'b.y', 'c.z'),
      categories: fc.subarray(['identity', 'health', 'location', 'telematics']),
      transfer: fc.option(
        fc.record({ name: fc.constantFrom('R1', 'R2'), country: fc.constantFrom('KZ', 'DE') }),
      ),
    })
    .map(({ transfer, ...q }) =>
      query({
        ...q,
        ...(transfer ? { recipient: { name: transfer.name }, country: transfer.country } : {}),
      }),
    );

  it('a covering consent really covers: active at the instant, purpose, every category, transfer', () => {
    fc.assert(
      fc.property(fc.array(arbitraryConsent, { maxLength: 5 }), arbitraryQuery, (consents, q) => {
        const result = coverage(consents, q);
        const covers = (c: ConsentRecord) =>
          c.systems.includes(q.system) &&
          effectiveState(c, q.at) === 'active' &&
          c.purposes.includes(q.purpose) &&
          q.categories.every((cat) => c.categories.includes(cat)) &&
          (q.country === undefined ||
            c.recipients.some((r) => r.name === q.recipient?.name && r.country === q.country));
        expect(result.covered).toBe(consents.some(covers));
        if (result.covered) expect(covers(result.consent)).toBe(true);
      }),
    );
  });

  it('asking for more categories never turns a refusal into coverage; order does not matter', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryConsent, { maxLength: 5 }),
        arbitraryQuery,
        fc.constantFrom('identity', 'health', 'location', 'telematics'),
        (consents, q, extra) => {
          const wider = coverage(consents, { ...q, categories: [...q.categories, extra] });
          if (!coverage(consents, q).covered) expect(wider.covered).toBe(false);
          expect(coverage([...consents].reverse(), q).covered).toBe(coverage(consents, q).covered);
        },
      ),
    );
  });
});

describe('minors', () => {
  it('a person is a minor until the morning of their eighteenth birthday', () => {
    expect(isMinorOn('2008-12-01', '2026-11-30')).toBe(true);
    expect(isMinorOn('2008-12-01', '2026-12-01')).toBe(false);
    expect(ageOn('2011-06-15', '2026-06-14')).toBe(14);
    expect(ageOn('2011-06-15', '2026-06-15')).toBe(15);
    expect(majorityDate('2008-02-29')).toBe('2026-03-01');
  });

  it('is a minor exactly before the majority date (property)', () => {
    const day = fc
      .date({ min: new Date('1950-01-01'), max: new Date('2090-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (birth, today) => {
        fc.pre(birth <= today);
        expect(isMinorOn(birth, today)).toBe(today < majorityDate(birth));
      }),
    );
  });
});
