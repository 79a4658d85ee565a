import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY } from '../core/taxonomy.js';
import type {
  AccessGround,
  AccessProfile,
  AccessRegime,
  AccessRequest,
  ConsentCoverageResult,
  DecisionInput,
  GroundRecipient,
  MonitoringResponse,
  SubjectRestriction,
} from './access.model.js';
import { coverageQueryOf, decide } from './decide.js';
import { AT, CAR_MAKER, CLINIC, CLOUD, LENDER, input } from './decide.fixtures.js';
import { REASON_CODES } from './reasons.js';

/** One consent the subject gave, in a form the test's coverage oracle reads. */
interface TestConsent {
  readonly id: string;
  readonly state: 'active' | 'withdrawn' | 'paused';
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly recipients: readonly GroundRecipient[];
}

/** The covering-consent rule the consent module implements, restated for the properties. */
function coverageOf(
  consent: TestConsent | undefined,
  profile: AccessProfile,
  request: AccessRequest,
): ConsentCoverageResult {
  if (!consent) return { covered: false, code: 'none' };
  const query = coverageQueryOf(profile, request);
  const base = { covered: false as const, consentId: consent.id };
  if (!consent.purposes.includes(query.purpose)) return { ...base, code: 'purpose-not-covered' };
  const missing = query.categories.filter((c) => !consent.categories.includes(c));
  if (missing.length > 0) return { ...base, code: 'category-not-covered', missing };
  if (query.country !== undefined) {
    const named = query.recipient
      ? consent.recipients.filter((r) => r.name === query.recipient!.name)
      : consent.recipients;
    if (named.length === 0) return { ...base, code: 'recipient-not-named' };
    if (!named.some((r) => r.country === query.country))
      return { ...base, code: 'country-not-named' };
  }
  if (consent.state !== 'active') return { ...base, code: consent.state };
  return { covered: true, consentId: consent.id };
}

const CATEGORIES = DEFAULT_TAXONOMY.categories.map((c) => c.code as string);
const PURPOSES = DEFAULT_TAXONOMY.purposes.map((p) => p.code);
const BASES = DEFAULT_TAXONOMY.legalBases.map((b) => b.code as string);
const COUNTRIES = ['KZ', 'DE', 'CN', 'US', 'FR'];
const RECIPIENTS = ['Allianz SE', 'Ping An', 'Qazaq Insurance'];
const TIMES = [
  '2024-01-01T00:00:00.000Z',
  '2025-05-01T00:00:00.000Z',
  AT,
  '2025-07-01T00:00:00.000Z',
];

const recipient = fc.record({
  name: fc.constantFrom(...RECIPIENTS),
  country: fc.constantFrom(...COUNTRIES),
});
const window = fc
  .tuple(fc.constantFrom(...TIMES), fc.option(fc.constantFrom(...TIMES), { nil: null }))
  .map(([from, to]) => ({ from, to }));

const ground: fc.Arbitrary<AccessGround> = fc
  .record({
    kind: fc.constantFrom('law', 'court-order', 'public-task', 'contract'),
    purpose: fc.constantFrom(...PURPOSES),
    reference: fc.constantFrom('Act 1', 'Act 2', 'Order 3'),
    window,
    recipients: fc.option(fc.array(recipient, { maxLength: 3 }), { nil: undefined }),
  })
  .map(({ window: w, recipients, ...rest }) => ({
    ...rest,
    validFrom: w.from,
    validTo: w.to,
    ...(recipients ? { recipients } : {}),
  }));

const profile: fc.Arbitrary<AccessProfile> = fc
  .record({
    base: fc.constantFrom(CLINIC, CAR_MAKER, LENDER, CLOUD),
    purposes: fc.subarray(PURPOSES, { minLength: 1 }),
    categories: fc.subarray(CATEGORIES, { minLength: 1 }),
    hostingCountry: fc.constantFrom('KZ', 'KZ', 'DE', 'US'),
    grounds: fc.array(ground, { maxLength: 4 }),
    ok: fc.boolean(),
  })
  .map(({ base, ok, grounds, ...system }) => ({
    ...base,
    system: { ...base.system, ...system },
    grounds,
    standing: ok
      ? { ok, reasons: [] }
      : { ok, reasons: [{ code: 'system.suspended', message: { kk: 'k', ru: 'r', en: 'e' } }] },
  }));

const accessRequest: fc.Arbitrary<AccessRequest> = fc
  .record({
    categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 5 }),
    purpose: fc.constantFrom(...PURPOSES),
    legalBasis: fc.constantFrom(...BASES),
    basisReference: fc.option(fc.constantFrom('Act 1', 'Court 2-1'), { nil: undefined }),
    actor: fc.record({
      id: fc.constantFrom('a1', 'a2'),
      pseudonym: fc.option(fc.constantFrom('psn_a', 'psn_subject'), { nil: undefined }),
    }),
    action: fc.constantFrom('read', 'search', 'export', 'transfer'),
    recipient: fc.option(
      fc.constantFrom(...RECIPIENTS).map((name) => ({ name })),
      { nil: undefined },
    ),
    country: fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }),
  })
  .map((r) => {
    const { basisReference, actor, recipient: to, country, ...rest } = r;
    return {
      ...rest,
      subject: { pseudonym: 'psn_subject', birthDate: '1990-04-12' },
      actor: actor.pseudonym ? actor : { id: actor.id },
      ...(basisReference ? { basisReference } : {}),
      ...(to ? { recipient: to } : {}),
      ...(country ? { country } : {}),
    };
  });

const consent: fc.Arbitrary<TestConsent | undefined> = fc.option(
  fc.record({
    id: fc.constant('cns_1'),
    state: fc.constantFrom('active', 'active', 'withdrawn', 'paused'),
    purposes: fc.subarray(PURPOSES, { minLength: 1 }),
    categories: fc.subarray(CATEGORIES, { minLength: 1 }),
    recipients: fc.array(recipient, { maxLength: 3 }),
  }),
  { nil: undefined },
);

const regime: fc.Arbitrary<AccessRegime> = fc.record({
  id: fc.constantFrom('rgm_1', 'rgm_2', 'rgm_3'),
  name: fc.constant('Sandbox'),
  act: fc.constant('Decree 1'),
  systems: fc.subarray(['sys_clinic', 'sys_car', 'sys_lender', 'sys_cloud']),
  purposes: fc.subarray(PURPOSES),
  categories: fc.subarray(CATEGORIES),
  start: fc.constantFrom(...TIMES),
  end: fc.constantFrom(...TIMES, '2030-01-01T00:00:00.000Z'),
});

const response: fc.Arbitrary<MonitoringResponse> = fc
  .record({
    id: fc.constantFrom('rsp_1', 'rsp_2', 'rsp_3'),
    action: fc.constantFrom('block-actor', 'throttle-actor', 'block-system', 'block-transfers'),
    system: fc.boolean(),
    actor: fc.constantFrom('a1', 'a2'),
    country: fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }),
    limit: fc.integer({ min: 0, max: 5 }),
    window,
  })
  .map((r) => ({
    id: r.id,
    action: r.action,
    scope: r.system
      ? { kind: 'system' as const, systemId: 'sys_clinic' }
      : { kind: 'operator' as const, operatorId: 'op_car' },
    actor: { id: r.actor },
    ...(r.country ? { country: r.country } : {}),
    limit: r.limit,
    from: r.window.from,
    until: r.window.to,
  }));

const restriction: fc.Arbitrary<SubjectRestriction> = fc
  .record({
    id: fc.constantFrom('rst_1', 'rst_2'),
    operatorId: fc.constantFrom('op_clinic', 'op_car', 'op_lender', 'op_cloud'),
    purposes: fc.subarray(PURPOSES, { maxLength: 2 }),
    window,
  })
  .map((r) => ({
    id: r.id,
    operatorId: r.operatorId,
    purposes: r.purposes,
    from: r.window.from,
    until: r.window.to,
  }));

interface World {
  readonly profile: AccessProfile;
  readonly request: AccessRequest;
  readonly consent: TestConsent | undefined;
  readonly rest: Omit<DecisionInput, 'profile' | 'request' | 'consent'>;
}

const world: fc.Arbitrary<World> = fc
  .record({
    profile,
    request: accessRequest,
    consent,
    regimes: fc.array(regime, { maxLength: 3 }),
    responses: fc.array(response, { maxLength: 2 }),
    restrictions: fc.array(restriction, { maxLength: 2 }),
    actorChecksInWindow: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ profile: p, request: r, consent: c, ...rest }) => ({
    profile: p,
    request: r,
    consent: c,
    rest: { ...input(), ...rest },
  }));

const decideIn = (
  w: World,
  request = w.request,
  consentOf: { consent: TestConsent | undefined } = { consent: w.consent },
) =>
  decide({
    ...w.rest,
    profile: w.profile,
    request,
    consent: coverageOf(consentOf.consent, w.profile, request),
  });

/**
 * Worlds that permit are a minority among random ones; this variant builds the profile, a ground,
 * the consent and a regime around the request, so permits are common.
 */
const permissiveWorld: fc.Arbitrary<World> = fc
  .tuple(world, fc.boolean(), fc.boolean())
  .map(([w, preferConsent, groundNamesTransfer]) => {
    const purpose = DEFAULT_TAXONOMY.purposes.find((p) => p.code === w.request.purpose)!;
    const fitting = w.request.categories.filter((c) =>
      (purpose.categories as readonly string[]).includes(c),
    );
    const categories = fitting.length > 0 ? fitting : purpose.categories.slice(0, 2);
    const legalBasis = preferConsent ? 'consent' : purpose.legalBases[0]!;
    const transfer = w.request.action === 'transfer';
    const to = { name: w.request.recipient?.name ?? 'Qazaq Insurance' };
    const country = transfer ? (w.request.country ?? 'KZ') : w.profile.system.hostingCountry;
    const request: AccessRequest = {
      ...w.request,
      categories,
      legalBasis,
      basisReference: 'Act 1',
      ...(transfer ? { recipient: to, country } : {}),
    };
    const named = { name: to.name, country };
    return {
      profile: {
        ...w.profile,
        standing: { ok: true, reasons: [] },
        system: {
          ...w.profile.system,
          purposes: [...w.profile.system.purposes, purpose.code],
          categories: [...w.profile.system.categories, ...categories],
        },
        grounds: [
          ...w.profile.grounds,
          {
            kind: legalBasis,
            purpose: purpose.code,
            reference: 'Act 9',
            validFrom: TIMES[0]!,
            validTo: null,
            ...(groundNamesTransfer ? { recipients: [named] } : {}),
          },
        ],
      },
      request,
      consent: {
        id: 'cns_1',
        state: 'active',
        purposes: [purpose.code],
        categories: [...categories, ...(w.consent?.categories ?? [])],
        recipients: [named],
      },
      rest: {
        ...w.rest,
        responses: [],
        restrictions: [],
        regimes: [
          ...w.rest.regimes,
          {
            id: 'rgm_9',
            name: 'Sandbox',
            act: 'Decree 9',
            systems: [w.profile.system.id],
            purposes: [purpose.code],
            categories: CATEGORIES,
            start: TIMES[0]!,
            end: '2030-01-01T00:00:00.000Z',
          },
        ],
      },
    };
  });

const RUNS = { numRuns: 400 };

describe('decide: properties', () => {
  it('removing a category from a permitted request never makes it a deny', () => {
    let permits = 0;
    fc.assert(
      fc.property(fc.oneof(world, permissiveWorld), (w) => {
        const decision = decideIn(w);
        if (decision.decision !== 'permit' || w.request.categories.length < 2) return;
        permits += 1;
        for (const dropped of w.request.categories) {
          const fewer = {
            ...w.request,
            categories: w.request.categories.filter((c) => c !== dropped),
          };
          expect(decideIn(w, fewer).decision).toBe('permit');
        }
      }),
      { numRuns: 1000 },
    );
    // The property must have been exercised, not vacuously true.
    expect(permits).toBeGreaterThan(50);
  });

  it('revoking the only consent turns a permit that relied on it into a deny', () => {
    let relied = 0;
    fc.assert(
      fc.property(permissiveWorld, (w) => {
        const decision = decideIn(w);
        if (decision.decision !== 'permit' || decision.basis.consentId === undefined) return;
        relied += 1;
        const withdrawn = { ...w.consent!, state: 'withdrawn' as const };
        expect(decideIn(w, w.request, { consent: withdrawn }).decision).toBe('deny');
        expect(decideIn(w, w.request, { consent: undefined }).decision).toBe('deny');
      }),
      { numRuns: 1000 },
    );
    expect(relied).toBeGreaterThan(50);
  });

  it('does not depend on the order of categories, grounds, regimes, responses or restrictions', () => {
    fc.assert(
      fc.property(fc.oneof(world, permissiveWorld), fc.integer(), (w, seed) => {
        const shuffle = <T>(values: readonly T[]) =>
          values
            .map((value, i) => ({ value, key: Math.sin(seed + i * 7919) }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.value);
        const reordered: World = {
          ...w,
          request: { ...w.request, categories: shuffle(w.request.categories) },
          profile: { ...w.profile, grounds: shuffle(w.profile.grounds) },
          rest: {
            ...w.rest,
            regimes: shuffle(w.rest.regimes),
            responses: shuffle(w.rest.responses),
            restrictions: shuffle(w.rest.restrictions),
          },
        };
        expect(decideIn(reordered)).toEqual(decideIn(w));
      }),
      RUNS,
    );
  });

  it('is deterministic and well formed: one permit reason, or only failing reasons', () => {
    const known = new Set<string>(REASON_CODES);
    fc.assert(
      fc.property(fc.oneof(world, permissiveWorld), (w) => {
        const decision = decideIn(w);
        expect(decideIn(w)).toEqual(decision);
        const codes = decision.reasons.map((r) => r.code);
        for (const code of codes)
          expect(code.startsWith('standing.') || known.has(code)).toBe(true);
        if (decision.decision === 'permit')
          expect(codes).toEqual([`permit.${w.request.legalBasis}`]);
        else {
          expect(codes.length).toBeGreaterThan(0);
          expect(codes.some((c) => c.startsWith('permit.'))).toBe(false);
        }
        if (w.request.legalBasis === 'vital-interest')
          expect(decision.raisesEvent).toContain('vital-interest');
      }),
      RUNS,
    );
  });
});
