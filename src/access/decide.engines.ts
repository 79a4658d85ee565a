/**
 * The decision's core restated for two independent engines — Cedar (`@cedar-policy/cedar-wasm`)
 * and casbin — so a differential test and the benchmark can decide the same generated requests
 * three ways. Test and benchmark support only: the service never loads these engines.
 *
 * The shared domain is the consent / ground / category / transfer core of `decide()`:
 *  - the system's standing (ok or not), declared purposes and categories;
 *  - the taxonomy: each purpose's allowed categories and bases; categories that stay in the
 *    country; the adequacy list;
 *  - bases `consent`, `law` (needs a reference) and `contract`;
 *  - at most one consent per (subject, system), active / withdrawn / paused with a validity window,
 *    naming purposes, categories and recipients with their country;
 *  - at most one ground per (system, kind, purpose), with a window and optional recipients;
 *  - reads and transfers (every transfer names a recipient and a country; a system hosted abroad
 *    makes a read a transfer to its hosting country, to the request's recipient).
 * Out of the domain (neither engine can say "the nearest of several consents" or count): regimes,
 * vital interest, statistics, monitoring responses, restrictions, reasons (engines say only
 * allow / deny).
 *
 * The rule both engines encode, with CC = "the subject's consent for this system covers the
 * request (purpose, every category, and for a transfer the recipient in the destination)":
 *   permit ⇔ BASE ∧ BASIS ∧ TRANSFER
 *   BASE     = standing ok ∧ purpose declared ∧ categories ⊆ declared ∩ purpose's ∧ basis allowed
 *              for the purpose ∧ (basis = law ⇒ a reference)
 *   BASIS    = (basis = consent ∧ CC) ∨ (basis ∈ {law, contract} ∧ ground in force ∧
 *              (not a transfer ∨ the ground names recipient and destination ∨ CC))
 *   TRANSFER = not cross-border ∨ ((no category staying in the country ∨ CC) ∧ (destination
 *              adequate ∨ CC))
 * Cedar: two permit policies (consent; ground) and two forbid policies (staying categories;
 * inadequate destination), static; the system (grounds as entity tags keyed `kind:purpose`), the
 * subject (consents as tags keyed by system) and the purpose are entities passed per call.
 * casbin: consents are the policy rows it scans, plus one row standing for "no consent"; since the
 * rule is monotone in CC, permit ⇔ ∃ row satisfying the matcher with CC evaluated on that row.
 * Sets are `,a,b,` strings matched with casbin's `regexMatch` (lookaheads for "contains all").
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import fc from 'fast-check';
import { coverage } from '../consent/coverage.js';
import type { ConsentRecord } from '../consent/consent.model.js';
import type { TaxonomyIndex } from '../core/taxonomy.js';
import {
  HOME_COUNTRY,
  type AccessProfile,
  type AccessRequest,
  type ConsentCoverageResult,
  type GroundRecipient,
} from './access.model.js';
import { coverageQueryOf, decide } from './decide.js';

export interface DomainConsent {
  readonly id: string;
  readonly subject: string;
  readonly system: string;
  readonly operator: string;
  readonly state: 'active' | 'withdrawn' | 'paused';
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly recipients: readonly GroundRecipient[];
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface DomainCheck {
  readonly systemId: string;
  readonly request: AccessRequest;
  readonly at: string;
}

export interface DomainWorld {
  readonly systems: ReadonlyMap<string, AccessProfile>;
  readonly consents: readonly DomainConsent[];
  readonly taxonomy: TaxonomyIndex;
  readonly adequate: ReadonlySet<string>;
}

export interface Engine {
  decide(check: DomainCheck): 'permit' | 'deny';
}

const FOREVER = '9999-12-31T23:59:59.999Z';

function consentRecord(c: DomainConsent): ConsentRecord {
  return {
    id: c.id,
    subject: c.subject,
    controller: c.operator,
    systems: [c.system],
    purposes: c.purposes,
    categories: c.categories,
    legalBasis: 'consent',
    recipients: c.recipients,
    processingCountries: [],
    storageCountries: [],
    retention: 'P1Y',
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    requestExpiresAt: c.validFrom,
    collectionMethod: 'portal',
    language: 'en',
    policyUrl: 'https://example.kz/policy',
    withdrawalMethod: 'portal',
    message: { kk: '', ru: '', en: '' },
    callbackUrl: null,
    state: c.state,
    createdAt: c.validFrom,
    updatedAt: c.validFrom,
    version: 1,
  };
}

/**
 * The service's path: the consent port (the subject's consents, read through a subject index,
 * judged by the consent module's `coverage`) and `decide()`.
 */
export function decideEngine(world: DomainWorld): Engine {
  const bySubject = new Map<string, ConsentRecord[]>();
  for (const c of world.consents) {
    const list = bySubject.get(c.subject) ?? [];
    list.push(consentRecord(c));
    bySubject.set(c.subject, list);
  }
  return {
    decide({ systemId, request, at }) {
      const profile = world.systems.get(systemId)!;
      const query = coverageQueryOf(profile, request);
      const found = coverage(bySubject.get(request.subject.pseudonym) ?? [], {
        ...query,
        subject: request.subject.pseudonym,
        at,
      });
      const consent: ConsentCoverageResult = found.covered
        ? { covered: true, consentId: found.consent.id }
        : {
            covered: false,
            code: found.reason.code,
            ...(found.consentId ? { consentId: found.consentId } : {}),
          };
      return decide({
        profile,
        request,
        consent,
        regimes: [],
        responses: [],
        restrictions: [],
        adequateCountries: world.adequate,
        taxonomy: world.taxonomy,
        at,
      }).decision;
    },
  };
}

const stayingCategories = (taxonomy: TaxonomyIndex) =>
  taxonomy.taxonomy.categories.filter((c) => c.staysInCountry).map((c) => c.code as string);
const cedarList = (values: Iterable<string>) => `[${[...values].map((v) => `"${v}"`).join(', ')}]`;

/** The Cedar policy set, generated from the taxonomy's staying categories and adequacy list. */
export function cedarPolicies(taxonomy: TaxonomyIndex, adequate: ReadonlySet<string>): string {
  const transfer = `(context.action == "transfer" || principal.hosting != "${HOME_COUNTRY}")`;
  const destination = `(if context.action == "transfer" then context.country else principal.hosting)`;
  const crossBorder = `(${transfer} && ${destination} != "${HOME_COUNTRY}")`;
  const consent = `resource.getTag(context.system)`;
  const cc = `(resource.hasTag(context.system) && ${consent}.active &&
      ${consent}.from <= context.at && context.at < ${consent}.until &&
      ${consent}.purposes.contains(context.purposeCode) &&
      ${consent}.categories.containsAll(context.categories) &&
      (!${transfer} || ${consent}.recipients.contains({ name: context.recipient, country: ${destination} })))`;
  const ground = `principal.getTag(context.groundKey)`;
  const groundInForce = `(principal.hasTag(context.groundKey) && ${ground}.from <= context.at && context.at < ${ground}.to)`;
  const base = `principal.active &&
      principal.purposes.contains(context.purposeCode) &&
      principal.categories.containsAll(context.categories) &&
      context.purpose.categories.containsAll(context.categories) &&
      context.purpose.bases.contains(context.basis) &&
      (context.basis != "law" || context has reference)`;
  return `
@id("consent")
permit (principal, action == Action::"access", resource)
when { ${base} && context.basis == "consent" && ${cc} };

@id("ground")
permit (principal, action == Action::"access", resource)
when { ${base} && (context.basis == "law" || context.basis == "contract") && ${groundInForce} &&
  (!${transfer} || ${ground}.recipients.contains({ name: context.recipient, country: ${destination} }) || ${cc}) };

@id("staying-categories")
forbid (principal, action, resource)
when { ${crossBorder} && context.categories.containsAny(${cedarList(stayingCategories(taxonomy))}) && !${cc} };

@id("inadequate-destination")
forbid (principal, action, resource)
when { ${crossBorder} && !${cedarList([...adequate].sort())}.contains(${destination}) && !${cc} };
`;
}

const millis = (iso: string) => Date.parse(iso);

/** Cedar: a static policy set parsed once; per call, the system, subject and purpose entities. */
export function cedarEngine(world: DomainWorld, policySetId = 'qalqan-access'): Engine {
  const parsed = cedar.preparsePolicySet(policySetId, {
    staticPolicies: cedarPolicies(world.taxonomy, world.adequate),
  });
  if (parsed.type !== 'success')
    throw new Error(`Cedar policies do not parse: ${JSON.stringify(parsed.errors)}`);

  const systemEntities = new Map<string, cedar.EntityJson>();
  for (const [id, profile] of world.systems) {
    const tags: Record<string, cedar.CedarValueJson> = {};
    for (const g of profile.grounds)
      tags[`${g.kind}:${g.purpose}`] = {
        from: millis(g.validFrom),
        to: millis(g.validTo ?? FOREVER),
        recipients: (g.recipients ?? []).map((r) => ({ name: r.name, country: r.country })),
      };
    systemEntities.set(id, {
      uid: { type: 'System', id },
      attrs: {
        active: profile.standing.ok,
        hosting: profile.system.hostingCountry,
        purposes: [...profile.system.purposes],
        categories: [...profile.system.categories],
      },
      parents: [],
      tags,
    });
  }
  const subjectEntities = new Map<string, cedar.EntityJson>();
  for (const c of world.consents) {
    const entity = subjectEntities.get(c.subject) ?? {
      uid: { type: 'Subject', id: c.subject },
      attrs: {},
      parents: [],
      tags: {},
    };
    entity.tags![c.system] = {
      active: c.state === 'active',
      from: millis(c.validFrom),
      until: millis(c.validUntil),
      purposes: [...c.purposes],
      categories: [...c.categories],
      recipients: c.recipients.map((r) => ({ name: r.name, country: r.country })),
    };
    subjectEntities.set(c.subject, entity);
  }
  const purposeEntities = new Map<string, cedar.EntityJson>(
    world.taxonomy.taxonomy.purposes.map((p) => [
      p.code,
      {
        uid: { type: 'Purpose', id: p.code },
        attrs: { categories: [...p.categories], bases: [...p.legalBases] },
        parents: [],
      },
    ]),
  );
  const action = { type: 'Action', id: 'access' };

  return {
    decide({ systemId, request, at }) {
      const subject = request.subject.pseudonym;
      const entities = [systemEntities.get(systemId)!, purposeEntities.get(request.purpose)!];
      const subjectEntity = subjectEntities.get(subject);
      if (subjectEntity) entities.push(subjectEntity);
      const answer = cedar.statefulIsAuthorized({
        principal: { type: 'System', id: systemId },
        action,
        resource: { type: 'Subject', id: subject },
        context: {
          system: systemId,
          purpose: { __entity: { type: 'Purpose', id: request.purpose } },
          purposeCode: request.purpose,
          categories: [...request.categories],
          basis: request.legalBasis,
          groundKey: `${request.legalBasis}:${request.purpose}`,
          action: request.action,
          recipient: request.recipient?.name ?? '',
          country: request.country ?? '',
          at: millis(at),
          ...(request.basisReference ? { reference: request.basisReference } : {}),
        },
        preparsedPolicySetId: policySetId,
        entities,
      });
      if (answer.type !== 'success')
        throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
      if (answer.response.diagnostics.errors.length > 0)
        throw new Error(
          `Cedar policy error: ${JSON.stringify(answer.response.diagnostics.errors)}`,
        );
      return answer.response.decision === 'allow' ? 'permit' : 'deny';
    },
  };
}

/** `,a,b,`: a set casbin's `regexMatch` can search. */
const setString = (values: readonly string[]) => `,${values.join(',')},`;
const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "Contains every one of `values`": a lookahead per value over a `,a,b,` string. */
const containsAllPattern = (values: readonly string[]) =>
  `^${values.map((v) => `(?=.*,${escapeRegex(v)},)`).join('')}`;

/** The casbin model text, generated from the taxonomy's staying categories and adequacy list. */
export function casbinModel(taxonomy: TaxonomyIndex, adequate: ReadonlySet<string>): string {
  const transfer = `(r.action == "transfer" || r.sys.hosting != "${HOME_COUNTRY}")`;
  const destination = `(r.action == "transfer" ? r.country : r.sys.hosting)`;
  const crossBorder = `(${transfer} && ${destination} != "${HOME_COUNTRY}")`;
  const destinationKey = `"," + r.recipient + ":" + ${destination} + ","`;
  const cc = `(p.kind == "consent" && p.subj == r.subj && p.sys == r.sys.id && p.active == "1" && p.from <= r.at && r.at < p.until && regexMatch(p.purposes, r.purposeRe) && regexMatch(p.cats, r.cats) && (!${transfer} || regexMatch(p.dests, ${destinationKey})))`;
  const groundKey = `(r.basis + ":" + r.purpose.code)`;
  const ground = `r.sys.grounds[${groundKey}]`;
  const groundInForce = `((${groundKey} in r.sys.grounds) && ${ground}.from <= r.at && r.at < ${ground}.to)`;
  const base = `r.sys.active && (r.purpose.code in r.sys.purposes) && regexMatch(r.sys.categories, r.cats) && regexMatch(r.purpose.categories, r.cats) && (r.basis in r.purpose.bases) && (r.basis != "law" || r.ref)`;
  const basis = `((r.basis == "consent" && ${cc}) || ((r.basis == "law" || r.basis == "contract") && ${groundInForce} && (!${transfer} || regexMatch(${ground}.dests, ${destinationKey}) || ${cc})))`;
  const staying = stayingCategories(taxonomy)
    .map((c) => `regexMatch(r.catSet, ",${c},")`)
    .join(' || ');
  const adequateList = `[${[...adequate]
    .sort()
    .map((c) => `"${c}"`)
    .join(',')}]`;
  const transferRule = `(!${crossBorder} || ((!(${staying}) || ${cc}) && ((${destination} in ${adequateList}) || ${cc})))`;
  // casbin rewrites " (a, b)" into an array literal: keep no space before any parenthesis.
  const matcher = `${base} && ${basis} && ${transferRule}`.replace(/ \(/g, '(');
  return `
[request_definition]
r = sys, subj, purpose, purposeRe, basis, cats, catSet, action, recipient, country, at, ref

[policy_definition]
p = kind, subj, sys, purposes, cats, dests, from, until, active

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = ${matcher}
`;
}

/** The policy rows: one per consent, then the row that stands for "no consent". */
export function casbinRows(consents: readonly DomainConsent[]): string[][] {
  return [
    ...consents.map((c) => [
      'consent',
      c.subject,
      c.system,
      setString(c.purposes),
      setString(c.categories),
      setString(c.recipients.map((r) => `${r.name}:${r.country}`)),
      c.validFrom,
      c.validUntil,
      c.state === 'active' ? '1' : '0',
    ]),
    ['none', '', '', '', '', '', '', '', '0'],
  ];
}

/** casbin: the consents are the policy rows it scans on every `enforce`. */
export async function casbinEngine(world: DomainWorld): Promise<Engine & { enforcer: Enforcer }> {
  const enforcer = await newEnforcer(
    newModelFromString(casbinModel(world.taxonomy, world.adequate)),
  );
  await enforcer.addPolicies(casbinRows(world.consents));
  const systems = new Map(
    [...world.systems].map(([id, profile]) => [
      id,
      {
        id,
        active: profile.standing.ok,
        hosting: profile.system.hostingCountry,
        purposes: [...profile.system.purposes],
        categories: setString(profile.system.categories),
        grounds: Object.fromEntries(
          profile.grounds.map((g) => [
            `${g.kind}:${g.purpose}`,
            {
              from: g.validFrom,
              to: g.validTo ?? FOREVER,
              dests: setString((g.recipients ?? []).map((r) => `${r.name}:${r.country}`)),
            },
          ]),
        ),
      },
    ]),
  );
  const purposes = new Map(
    world.taxonomy.taxonomy.purposes.map((p) => [
      p.code,
      { code: p.code, categories: setString(p.categories), bases: [...p.legalBases] },
    ]),
  );
  return {
    enforcer,
    decide({ systemId, request, at }) {
      const allowed = enforcer.enforceSync(
        systems.get(systemId),
        request.subject.pseudonym,
        purposes.get(request.purpose),
        `,${escapeRegex(request.purpose)},`,
        request.legalBasis,
        containsAllPattern(request.categories),
        setString(request.categories),
        request.action,
        request.recipient?.name ?? '',
        request.country ?? '',
        at,
        request.basisReference !== undefined && request.basisReference.trim() !== '',
      );
      return allowed ? 'permit' : 'deny';
    },
  };
}

const DOMAIN_COUNTRIES = ['KZ', 'DE', 'FR', 'CN', 'US'] as const;
const DOMAIN_RECIPIENTS = ['Qazaq Insurance', 'Allianz SE', 'Ping An'] as const;
const DOMAIN_BASES = ['consent', 'consent', 'law', 'contract'] as const;
const DOMAIN_TIMES = [
  '2024-01-01T00:00:00.000Z',
  '2025-03-01T00:00:00.000Z',
  '2025-06-01T00:00:00.000Z',
  '2025-09-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
] as const;

/** Three systems the domain's requests come from: home-hosted insurer and clinic, a cloud abroad. */
const DOMAIN_SYSTEMS = [
  {
    id: 'sys_car',
    operatorId: 'op_car',
    hostingCountry: 'KZ',
    purposes: ['transport.insurance', 'transport.telematics-service', 'marketing'],
    categories: [
      'identity',
      'contact',
      'document',
      'financial',
      'location',
      'telematics',
      'online',
    ],
  },
  {
    id: 'sys_clinic',
    operatorId: 'op_clinic',
    hostingCountry: 'KZ',
    purposes: ['health.treatment', 'health.sick-leave', 'employment.hr'],
    categories: ['identity', 'contact', 'address', 'health', 'genetic', 'employment'],
  },
  {
    id: 'sys_cloud',
    operatorId: 'op_cloud',
    hostingCountry: 'DE',
    purposes: ['marketing', 'transport.telematics-service', 'finance.payments'],
    categories: ['identity', 'contact', 'online', 'location', 'telematics', 'financial'],
  },
] as const;

/** fast-check arbitraries for the differential domain (test and benchmark support). */
export function domainArbitraries(taxonomy: TaxonomyIndex) {
  const recipient = fc.record({
    name: fc.constantFrom(...DOMAIN_RECIPIENTS),
    country: fc.constantFrom(...DOMAIN_COUNTRIES),
  });
  const window = fc
    .tuple(fc.constantFrom(...DOMAIN_TIMES), fc.constantFrom(...DOMAIN_TIMES))
    .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));

  const profile = (system: (typeof DOMAIN_SYSTEMS)[number]) =>
    fc
      .record({
        ok: fc.constantFrom(true, true, true, true, true, true, true, false),
        purposes: fc.oneof(
          { arbitrary: fc.constant([...system.purposes]), weight: 3 },
          { arbitrary: fc.subarray([...system.purposes], { minLength: 1 }), weight: 1 },
        ),
        grounds: fc.uniqueArray(
          fc.record({
            kind: fc.constantFrom('law' as const, 'contract' as const),
            purpose: fc.constantFrom(...system.purposes),
            window,
            open: fc.boolean(),
            recipients: fc.option(fc.array(recipient, { maxLength: 3 }), { nil: undefined }),
          }),
          { selector: (g) => `${g.kind}:${g.purpose}`, maxLength: 6 },
        ),
      })
      .map(({ ok, purposes, grounds }): AccessProfile => ({
        system: {
          id: system.id,
          operatorId: system.operatorId,
          kind: 'ordinary',
          hostingCountry: system.hostingCountry,
          purposes,
          categories: [...system.categories],
        },
        operator: { id: system.operatorId },
        standing: ok
          ? { ok, reasons: [] }
          : {
              ok,
              reasons: [{ code: 'system.suspended', message: { kk: 'k', ru: 'r', en: 'e' } }],
            },
        grounds: grounds.map((g) => ({
          kind: g.kind,
          purpose: g.purpose,
          reference: `${g.kind} act`,
          validFrom: g.window.from,
          validTo: g.open ? null : g.window.to,
          ...(g.recipients ? { recipients: g.recipients } : {}),
        })),
      }));

  const systems = fc
    .tuple(...DOMAIN_SYSTEMS.map(profile))
    .map((profiles) => new Map(profiles.map((p) => [p.system.id, p])));

  const consentFor = (subject: string, system: (typeof DOMAIN_SYSTEMS)[number], n: number) =>
    fc
      .record({
        state: fc.constantFrom(
          'active' as const,
          'active' as const,
          'active' as const,
          'withdrawn' as const,
          'paused' as const,
        ),
        // Biased towards broad, current consents so that permits are common.
        purposes: fc.oneof(
          fc.constant([...system.purposes]),
          fc.subarray([...system.purposes], { minLength: 1 }),
        ),
        categories: fc.oneof(
          fc.constant([...system.categories]),
          fc.subarray([...system.categories], { minLength: 2 }),
        ),
        recipients: fc.array(recipient, { maxLength: 4 }),
        window: fc.oneof(
          { arbitrary: window, weight: 1 },
          {
            arbitrary: fc.record({
              from: fc.constantFrom(DOMAIN_TIMES[0], DOMAIN_TIMES[1]),
              to: fc.constantFrom(DOMAIN_TIMES[3], DOMAIN_TIMES[4]),
            }),
            weight: 3,
          },
        ),
      })
      .map((c): DomainConsent => ({
        id: `cns_${n}_${system.id}`,
        subject,
        system: system.id,
        operator: system.operatorId,
        state: c.state,
        purposes: c.purposes,
        categories: c.categories,
        recipients: c.recipients,
        validFrom: c.window.from,
        validUntil: c.window.to,
      }));

  /** Subjects `psn_0…`: each has at most one consent per system. */
  const consents = (subjects: number) =>
    fc
      .tuple(
        ...Array.from({ length: subjects }, (_, n) =>
          fc.tuple(
            ...DOMAIN_SYSTEMS.map((system) =>
              fc.option(consentFor(`psn_${n}`, system, n), { nil: undefined, freq: 3 }),
            ),
          ),
        ),
      )
      .map((rows) => rows.flat().filter((c): c is DomainConsent => c !== undefined));

  /**
   * A check by one of the systems for one of `subjects`; with `stored`, half the checks are
   * shaped after a stored consent (its subject, system, a purpose, categories and recipient it
   * names), so that permits are as common as denials.
   */
  const check = (
    subjects: number,
    stored: readonly DomainConsent[] = [],
    profiles?: ReadonlyMap<string, AccessProfile>,
  ): fc.Arbitrary<DomainCheck> =>
    fc
      .record({
        tailored: fc.constantFrom('no', 'consent', 'ground'),
        consentPick: fc.nat(),
        system: fc.constantFrom(...DOMAIN_SYSTEMS),
        subject: fc.nat({ max: subjects - 1 }),
        purposePick: fc.nat(),
        offPurpose: fc.constantFrom(...taxonomy.taxonomy.purposes.map((p) => p.code)),
        categoryPicks: fc.uniqueArray(fc.nat({ max: 30 }), { minLength: 1, maxLength: 3 }),
        basis: fc.constantFrom(...DOMAIN_BASES),
        basisFits: fc.constantFrom(true, true, true, false),
        reference: fc.constantFrom(true, true, true, false),
        transfer: fc.constantFrom(false, false, true),
        recipient: fc.constantFrom(...DOMAIN_RECIPIENTS),
        country: fc.constantFrom(...DOMAIN_COUNTRIES),
        at: fc.constantFrom(...DOMAIN_TIMES, '2025-07-15T00:00:00.000Z'),
        offTarget: fc.nat({ max: 9 }),
      })
      .map((r): DomainCheck => {
        const grounds = [...(profiles?.values() ?? [])].flatMap((p) =>
          p.grounds.map((g) => ({ ...g, system: p.system.id })),
        );
        const ground =
          r.tailored === 'ground' && grounds.length > 0
            ? grounds[r.consentPick % grounds.length]
            : undefined;
        const model =
          r.tailored === 'consent' && stored.length > 0
            ? stored[r.consentPick % stored.length]
            : ground
              ? {
                  system: ground.system,
                  purposes: [ground.purpose],
                  recipients: ground.recipients ?? [],
                }
              : undefined;
        const system = model ? DOMAIN_SYSTEMS.find((s) => s.id === model.system)! : r.system;
        const subject = model && 'subject' in model ? model.subject : `psn_${r.subject}`;
        const named = model?.recipients[r.purposePick % Math.max(model.recipients.length, 1)];
        // Mostly requests the system could make; one in ten asks for a purpose it never declared.
        const purposes: readonly string[] = model ? model.purposes : system.purposes;
        const purpose =
          r.offTarget === 0 ? r.offPurpose : purposes[r.purposePick % purposes.length]!;
        const allowed: readonly string[] = taxonomy.purpose(purpose)?.categories ?? [];
        const declared: readonly string[] =
          model && 'categories' in model ? model.categories : system.categories;
        const fitting = allowed.filter((c) => declared.includes(c));
        const pool =
          r.offTarget === 1
            ? taxonomy.taxonomy.categories.map((c) => c.code as string)
            : fitting.length > 0
              ? fitting
              : [...allowed];
        const categories = [...new Set(r.categoryPicks.map((i) => pool[i % pool.length]!))];
        // Mostly a basis the purpose allows (consent when it does).
        const bases: readonly string[] = taxonomy.purpose(purpose)?.legalBases ?? [];
        const fits = DOMAIN_BASES.filter((b) => bases.includes(b));
        const legalBasis = ground
          ? ground.kind
          : r.basisFits && fits.length > 0 && !fits.includes(r.basis)
            ? fits[r.purposePick % fits.length]!
            : r.basis;
        return {
          systemId: system.id,
          at: r.at,
          request: {
            subject: { pseudonym: subject, birthDate: '1990-01-01' },
            categories,
            purpose,
            legalBasis,
            ...(r.reference ? { basisReference: 'Act 1' } : {}),
            actor: { id: 'actor-1' },
            action: r.transfer ? 'transfer' : 'read',
            recipient: { name: named?.name ?? r.recipient },
            ...(r.transfer ? { country: named?.country ?? r.country } : {}),
          },
        };
      });

  return { systems, consents, check };
}
