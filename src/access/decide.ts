/**
 * The access decision (DOMAIN.md §5, issue 11 items 2, 4–6): permit only if every rule holds,
 * otherwise deny with every failing reason, in rule order. Pure — no I/O, no clock, no database:
 * the service gathers the registry profile, the covering consent, regimes, monitoring responses
 * and restrictions, and passes the instant.
 *
 * Rules, in the order their reasons appear:
 *  1–2. the registry's standing of the system (active, operator active, biometric certified);
 *  3.   the purpose is known and declared by the system; every category is known, allowed for the
 *       purpose and declared by the system;
 *  4.   the basis is allowed for the purpose and satisfied — `consent`: a covering consent;
 *       `law`, `court-order`, `public-task`, `contract`: a ground of that kind for the system and
 *       purpose in force (a reference is required for `law` and `court-order`, matched by kind and
 *       purpose only); `vital-interest`: health purposes only, always signalled to monitoring;
 *       `statistics-depersonalised`: never for an identified subject (every check names one);
 *       `regime`: a regime in force naming the system, the purpose and every category;
 *  5.   a transfer (action `transfer`, or any action by a system hosted abroad) is covered by the
 *       consent or by a ground naming the recipient and the country; categories that stay in the
 *       country and destinations without adequate protection need the consent, whatever the basis;
 *  6.   the subject has not restricted processing by this operator;
 *  8.   neither the actor nor the system is blocked (or the actor throttled) by a monitoring
 *       response in force, nor transfers to the destination.
 * Rule 7 (honeytokens) needs nothing here: their checks are decided like any other.
 */
import type { TaxonomyIndex } from '../core/taxonomy.js';
import {
  HOME_COUNTRY,
  type AccessGround,
  type AccessProfile,
  type AccessReason,
  type AccessReasonCode,
  type AccessRequest,
  type Decision,
  type DecisionBasis,
  type DecisionInput,
  type DecisionTransfer,
  type MonitoringResponse,
  type MonitoringSignal,
  type ReasonDetail,
  type TransferRecipient,
} from './access.model.js';
import { consentReasonCode, reasonFor } from './reasons.js';

/** Bases whose claim must cite its act or order. */
const REFERENCE_REQUIRED: ReadonlySet<string> = new Set(['law', 'court-order']);
/** The purpose domain `vital-interest` may serve. */
const HEALTH_DOMAIN = 'health.';

/** The transfer a check is, or null: its action says so, or the system is hosted abroad. */
export function transferOf(
  profile: AccessProfile,
  request: AccessRequest,
): DecisionTransfer | null {
  if (request.action === 'transfer') {
    const country = request.country ?? null;
    return {
      cause: 'action',
      country,
      ...(request.recipient ? { recipient: request.recipient } : {}),
      crossBorder: country !== null && country !== HOME_COUNTRY,
    };
  }
  if (profile.system.hostingCountry !== HOME_COUNTRY) {
    return {
      cause: 'hosting',
      country: profile.system.hostingCountry,
      ...(request.recipient ? { recipient: request.recipient } : {}),
      crossBorder: true,
    };
  }
  return null;
}

/**
 * What the service asks the consent port for this check: for a transfer, the recipient and the
 * country too, so one answer tells whether the consent covers both the access and the transfer.
 */
export function coverageQueryOf(
  profile: AccessProfile,
  request: AccessRequest,
): {
  readonly system: string;
  readonly operator: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly recipient?: TransferRecipient;
  readonly country?: string;
} {
  const transfer = transferOf(profile, request);
  return {
    system: profile.system.id,
    operator: profile.operator.id,
    purpose: request.purpose,
    categories: request.categories,
    ...(transfer?.recipient ? { recipient: transfer.recipient } : {}),
    ...(transfer?.country ? { country: transfer.country } : {}),
  };
}

const inForce = (from: string, to: string | null, at: string) =>
  from <= at && (to === null || at < to);

const normalise = (name: string) =>
  name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Same matching as consents: by identifier when both have one, else by name. */
function namesRecipient(entry: TransferRecipient, recipient: TransferRecipient): boolean {
  if (entry.identifier !== undefined && recipient.identifier !== undefined)
    return entry.identifier === recipient.identifier;
  return normalise(entry.name) === normalise(recipient.name);
}

/** Does the ground name this recipient in this country (any recipient there, when none is named)? */
function groundCoversTransfer(ground: AccessGround, transfer: DecisionTransfer): boolean {
  if (transfer.country === null || !ground.recipients) return false;
  return ground.recipients.some(
    (entry) =>
      entry.country === transfer.country &&
      (transfer.recipient === undefined || namesRecipient(entry, transfer.recipient)),
  );
}

const sorted = (values: readonly string[]) => [...new Set(values)].sort();

/** Monitoring responses in force for this system (directly or through its operator). */
function appliesTo(response: MonitoringResponse, profile: AccessProfile, at: string): boolean {
  if (!inForce(response.from, response.until, at)) return false;
  return response.scope.kind === 'system'
    ? response.scope.systemId === profile.system.id
    : response.scope.operatorId === profile.operator.id;
}

function namesActor(response: MonitoringResponse, actor: AccessRequest['actor']): boolean {
  const target = response.actor;
  if (!target) return false;
  return (
    (target.id !== undefined && target.id === actor.id) ||
    (target.pseudonym !== undefined && target.pseudonym === actor.pseudonym)
  );
}

/**
 * Whether `a` goes before `b` when a reason names one of several responses that apply: the
 * smallest id, and for one id given twice (a response and its revision) the longer-lasting (one
 * with no end lasts longest). A reason shows only the id and the end, so this order makes the
 * decision the same in whatever order the responses come.
 */
function namedBefore(a: MonitoringResponse, b: MonitoringResponse): boolean {
  if (a.id !== b.id) return a.id < b.id;
  if (a.until === b.until) return false;
  return a.until === null || (b.until !== null && a.until > b.until);
}

const first = (responses: readonly MonitoringResponse[]) =>
  responses.length === 0 ? undefined : responses.reduce((a, b) => (namedBefore(b, a) ? b : a));

export function decide(input: DecisionInput): Decision {
  const { profile, request, consent, taxonomy, at } = input;
  const reasons: AccessReason[] = [];
  const deny = (code: AccessReasonCode, detail?: ReasonDetail) =>
    reasons.push(reasonFor(code, taxonomy, detail));
  const signals: MonitoringSignal[] = [];
  const system = profile.system;
  const categories = request.categories;
  const transfer = transferOf(profile, request);

  // Rules 1–2: the registry's standing, its own reasons passed through.
  if (!profile.standing.ok) {
    if (profile.standing.reasons.length === 0) deny('standing.refused');
    else
      for (const reason of [...profile.standing.reasons].sort((a, b) =>
        a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
      ))
        reasons.push({ code: `standing.${reason.code}`, message: reason.message });
  }

  // Rule 3: purpose and categories.
  const purpose = taxonomy.purpose(request.purpose);
  if (!purpose) deny('purpose.unknown');
  else if (!system.purposes.includes(purpose.code)) deny('purpose.not_declared');
  if (categories.length === 0) deny('category.none');
  checkCategories(categories, purpose?.categories, system.categories, taxonomy, deny);

  // Rule 4: the basis.
  const basis = taxonomy.legalBasis(request.legalBasis);
  let ground: AccessGround | undefined;
  let regimeId: string | undefined;
  if (!basis) deny('basis.unknown');
  else {
    // A regime names its own purposes: it relaxes the purpose's list of bases (issue 11 item 6).
    if (purpose && basis.code !== 'regime' && !purpose.legalBases.includes(basis.code))
      deny('basis.not_allowed_for_purpose');
    if (REFERENCE_REQUIRED.has(basis.code) && !request.basisReference?.trim())
      deny('basis.reference_required');
    switch (basis.code) {
      case 'consent':
        if (!consent.covered) deny(...consentMiss(consent, transfer));
        break;
      case 'vital-interest':
        signals.push('vital-interest');
        if (!request.purpose.startsWith(HEALTH_DOMAIN)) deny('vital-interest.not_health');
        break;
      case 'statistics-depersonalised':
        // Every check names a subject: depersonalised statistics never reach one.
        deny('statistics.identified_subject');
        break;
      case 'regime':
        regimeId = findRegime(input, deny);
        break;
      case 'law':
      case 'court-order':
      case 'public-task':
      case 'contract':
        ground = findGround(input, basis.code, transfer, deny);
        break;
    }
  }

  // Rule 5: transfers.
  let consentForTransfer = false;
  if (transfer) {
    if (transfer.cause === 'action') {
      if (!request.recipient) deny('transfer.recipient_missing');
      if (!request.country) deny('transfer.country_missing');
    }
    if (transfer.country !== null && (transfer.cause === 'hosting' || request.recipient)) {
      const byConsent = consent.covered;
      const countryDetail = { country: transfer.country };
      if (basis && basis.code !== 'consent' && basis.code !== 'statistics-depersonalised') {
        const byGround = ground !== undefined && groundCoversTransfer(ground, transfer);
        if (!byGround && !byConsent) deny('transfer.not_covered', countryDetail);
        consentForTransfer ||= !byGround && byConsent;
      }
      if (transfer.crossBorder) {
        const staying = categories.filter((c) => taxonomy.category(c)?.staysInCountry === true);
        if (staying.length > 0) {
          if (!byConsent)
            deny('transfer.category_stays_in_country', { categories: sorted(staying) });
          consentForTransfer ||= byConsent;
        }
        if (!input.adequateCountries.has(transfer.country)) {
          if (!byConsent) deny('transfer.country_not_adequate', countryDetail);
          consentForTransfer ||= byConsent;
        }
      }
    }
  }

  // Rule 6: the subject's restrictions of this operator.
  const restriction = input.restrictions
    .filter(
      (r) =>
        r.operatorId === profile.operator.id &&
        inForce(r.from, r.until, at) &&
        (!r.purposes || r.purposes.length === 0 || r.purposes.includes(request.purpose)),
    )
    .reduce<(typeof input.restrictions)[number] | undefined>(
      (a, b) => (a === undefined || b.id < a.id ? b : a),
      undefined,
    );
  if (restriction) deny('subject.restricted', { restrictionId: restriction.id });

  // Rule 8: monitoring responses in force.
  if (input.responses.length > 0) checkResponses(input, transfer, deny);

  if (
    request.actor.pseudonym !== undefined &&
    request.actor.pseudonym === request.subject.pseudonym
  )
    signals.push('self-access');

  const permitted = reasons.length === 0 && basis !== undefined;
  if (permitted) reasons.push(reasonFor(`permit.${basis.code}` as AccessReasonCode, taxonomy));
  const decisionBasis = basisOf(
    request,
    basis?.code,
    ground,
    regimeId,
    consent,
    consentForTransfer,
  );
  return {
    decision: permitted ? 'permit' : 'deny',
    reasons,
    basis: decisionBasis,
    ...(transfer ? { transfer } : {}),
    ...(signals.length > 0 ? { raisesEvent: signals } : {}),
  };
}

function checkCategories(
  categories: readonly string[],
  forPurpose: readonly string[] | undefined,
  declared: readonly string[],
  taxonomy: TaxonomyIndex,
  deny: (code: AccessReasonCode, detail?: ReasonDetail) => void,
): void {
  let unknown: string[] | undefined;
  let notAllowed: string[] | undefined;
  let notDeclared: string[] | undefined;
  for (const category of categories) {
    if (!taxonomy.category(category)) {
      (unknown ??= []).push(category);
      continue;
    }
    if (forPurpose && !forPurpose.includes(category)) (notAllowed ??= []).push(category);
    if (!declared.includes(category)) (notDeclared ??= []).push(category);
  }
  if (unknown) deny('category.unknown', { categories: sorted(unknown) });
  if (notAllowed) deny('category.not_allowed_for_purpose', { categories: sorted(notAllowed) });
  if (notDeclared) deny('category.not_declared', { categories: sorted(notDeclared) });
}

function consentMiss(
  consent: Extract<DecisionInput['consent'], { covered: false }>,
  transfer: DecisionTransfer | null,
): [AccessReasonCode, ReasonDetail?] {
  const detail: { -readonly [K in keyof ReasonDetail]: ReasonDetail[K] } = {};
  if (consent.consentId !== undefined) detail.consentId = consent.consentId;
  if (consent.code === 'category-not-covered' && consent.missing)
    detail.categories = sorted(consent.missing);
  if (consent.code === 'country-not-named' && transfer?.country) detail.country = transfer.country;
  return [consentReasonCode(consent.code), Object.keys(detail).length > 0 ? detail : undefined];
}

/**
 * A ground of the claimed kind for this purpose, in force at the instant; for a transfer the one
 * naming the recipient and country when there is one. Grounds are matched by kind and purpose
 * only: the reference the check cites is recorded, not compared (issue 11 item 2).
 */
function findGround(
  input: DecisionInput,
  kind: string,
  transfer: DecisionTransfer | null,
  deny: (code: AccessReasonCode) => void,
): AccessGround | undefined {
  let registered = false;
  let chosen: AccessGround | undefined;
  let chosenCovers = false;
  for (const ground of input.profile.grounds) {
    if (ground.kind !== kind || ground.purpose !== input.request.purpose) continue;
    registered = true;
    if (!inForce(ground.validFrom, ground.validTo, input.at)) continue;
    // Prefer a ground that covers the transfer, then the smallest reference: order-independent.
    const covers = transfer !== null && groundCoversTransfer(ground, transfer);
    const better =
      chosen === undefined ||
      (covers && !chosenCovers) ||
      (covers === chosenCovers && ground.reference < chosen.reference);
    if (better) chosenCovers = covers;
    if (better) chosen = ground;
  }
  if (!registered) deny('ground.none');
  else if (!chosen) deny('ground.not_in_force');
  return chosen;
}

/** A regime in force naming the system, the purpose and every category; else the nearest miss. */
function findRegime(
  input: DecisionInput,
  deny: (code: AccessReasonCode, detail?: ReasonDetail) => void,
): string | undefined {
  const { request, profile, at } = input;
  let forSystem = false;
  let nearest: { id: string; missing: string[] } | undefined;
  let chosen: string | undefined;
  for (const regime of input.regimes) {
    if (!inForce(regime.start, regime.end, at) || !regime.systems.includes(profile.system.id))
      continue;
    forSystem = true;
    if (!regime.purposes.includes(request.purpose)) continue;
    const missing = request.categories.filter((c) => !regime.categories.includes(c));
    if (missing.length === 0) {
      if (chosen === undefined || regime.id < chosen) chosen = regime.id;
    } else if (
      !nearest ||
      missing.length < nearest.missing.length ||
      (missing.length === nearest.missing.length && regime.id < nearest.id)
    )
      nearest = { id: regime.id, missing };
  }
  if (chosen !== undefined) return chosen;
  if (nearest)
    deny('regime.category_not_covered', {
      categories: sorted(nearest.missing),
      regimeId: nearest.id,
    });
  else deny(forSystem ? 'regime.purpose_not_covered' : 'regime.none');
  return undefined;
}

function checkResponses(
  input: DecisionInput,
  transfer: DecisionTransfer | null,
  deny: (code: AccessReasonCode, detail?: ReasonDetail) => void,
): void {
  const { profile, request, at } = input;
  const active = input.responses.filter((r) => appliesTo(r, profile, at));
  const detail = (r: MonitoringResponse | undefined, extra?: ReasonDetail) =>
    r ? { responseId: r.id, until: r.until, ...extra } : undefined;

  const blocked = first(
    active.filter((r) => r.action === 'block-actor' && namesActor(r, request.actor)),
  );
  if (blocked) deny('response.actor_blocked', detail(blocked));
  const checks = input.actorChecksInWindow ?? 0;
  const throttled = first(
    active.filter(
      (r) =>
        r.action === 'throttle-actor' &&
        namesActor(r, request.actor) &&
        r.limit !== undefined &&
        checks >= r.limit,
    ),
  );
  if (throttled) deny('response.actor_throttled', detail(throttled));
  const system = first(active.filter((r) => r.action === 'block-system'));
  if (system) deny('response.system_blocked', detail(system));
  if (transfer?.crossBorder && transfer.country !== null) {
    const country = transfer.country;
    const transfers = first(
      active.filter(
        (r) => r.action === 'block-transfers' && (r.country === undefined || r.country === country),
      ),
    );
    if (transfers) deny('response.transfers_blocked', detail(transfers, { country }));
  }
}

function basisOf(
  request: AccessRequest,
  kind: string | undefined,
  ground: AccessGround | undefined,
  regimeId: string | undefined,
  consent: DecisionInput['consent'],
  consentForTransfer: boolean,
): DecisionBasis {
  const reference = request.basisReference?.trim() || ground?.reference;
  const usesConsent = consent.covered && (kind === 'consent' || consentForTransfer);
  return {
    kind: kind ?? request.legalBasis,
    ...(reference ? { reference } : {}),
    ...(ground ? { groundReference: ground.reference } : {}),
    ...(usesConsent ? { consentId: consent.consentId } : {}),
    ...(regimeId !== undefined ? { regimeId } : {}),
  };
}
