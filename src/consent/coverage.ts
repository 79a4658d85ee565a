/**
 * The rule behind the `coveringConsent` port (DOMAIN.md §5 rule 4–5): does one of a subject's
 * consents cover this use — this system, purpose, every category, and for a transfer the
 * recipient and country named together — at this instant? Either the covering consent, or the
 * precise reason none does, taken from the consent that came nearest to covering it.
 */
import type { ConsentRecord, Reason, ReasonCode, Recipient } from './consent.model.js';

export interface CoverageQuery {
  readonly subject: string;
  readonly system: string;
  readonly operator: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  /** For a transfer: who receives the data (a BIN or registration number, or a name). */
  readonly recipient?: { readonly identifier?: string; readonly name?: string };
  /** For a transfer: the destination country (ISO 3166-1 alpha-2). */
  readonly country?: string;
  readonly at: string;
}

export type Coverage =
  | { readonly covered: true; readonly consent: ConsentRecord }
  | {
      readonly covered: false;
      readonly reason: Reason;
      /** The consent that came nearest, when there is one. */
      readonly consentId?: string;
      /** For `category-not-covered`: the categories it does not name. */
      readonly missing?: readonly string[];
    };

export const REASONS: Readonly<Record<ReasonCode, Omit<Reason, 'code'>>> = {
  none: {
    en: 'The subject has given this system no consent.',
    ru: 'Субъект не давал согласия этой системе.',
    kk: 'Субъект бұл жүйеге келісім бермеген.',
  },
  'not-given': {
    en: 'Consent was requested but not given.',
    ru: 'Согласие запрошено, но не дано.',
    kk: 'Келісім сұралған, бірақ берілмеген.',
  },
  expired: {
    en: 'The consent has expired.',
    ru: 'Срок согласия истёк.',
    kk: 'Келісімнің мерзімі өтті.',
  },
  withdrawn: {
    en: 'The subject has withdrawn the consent.',
    ru: 'Субъект отозвал согласие.',
    kk: 'Субъект келісімді кері қайтарып алды.',
  },
  paused: {
    en: 'The subject has paused the consent.',
    ru: 'Субъект приостановил согласие.',
    kk: 'Субъект келісімді тоқтата тұрды.',
  },
  'purpose-not-covered': {
    en: 'No consent covers this purpose.',
    ru: 'Ни одно согласие не охватывает эту цель.',
    kk: 'Бұл мақсатты ешбір келісім қамтымайды.',
  },
  'category-not-covered': {
    en: 'The consent does not cover every requested data category.',
    ru: 'Согласие охватывает не все запрошенные категории данных.',
    kk: 'Келісім сұралған деректер санаттарының барлығын қамтымайды.',
  },
  'recipient-not-named': {
    en: 'The consent does not name this recipient.',
    ru: 'В согласии не указан этот получатель.',
    kk: 'Келісімде бұл алушы көрсетілмеген.',
  },
  'country-not-named': {
    en: 'The consent does not name this recipient in this country.',
    ru: 'В согласии этот получатель не указан в этой стране.',
    kk: 'Келісімде бұл алушы осы елде көрсетілмеген.',
  },
};

export function reasonOf(code: ReasonCode): Reason {
  return { code, ...REASONS[code] };
}

const normalise = (name: string) =>
  name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Does `entry` name the recipient asked about? By identifier when both have one, else by name. */
export function namesRecipient(
  entry: Recipient,
  recipient: NonNullable<CoverageQuery['recipient']>,
): boolean {
  if (entry.identifier !== undefined && recipient.identifier !== undefined)
    return entry.identifier === recipient.identifier;
  if (recipient.name !== undefined) return normalise(entry.name) === normalise(recipient.name);
  return false;
}

/** The state a consent is in at `at`: an active or paused consent past its end has expired. */
export function effectiveState(consent: ConsentRecord, at: string): ConsentRecord['state'] {
  if ((consent.state === 'active' || consent.state === 'paused') && consent.validUntil <= at)
    return 'expired';
  if (consent.state === 'requested' && consent.requestExpiresAt <= at) return 'expired';
  return consent.state;
}

interface Miss {
  /** How far the consent got through the checks; the nearest miss explains the refusal. */
  readonly rank: number;
  readonly code: ReasonCode;
  readonly missing?: readonly string[];
}

/** Checks one consent; null when it covers the query. */
function missOf(consent: ConsentRecord, query: CoverageQuery): Miss | null {
  if (!consent.purposes.includes(query.purpose)) return { rank: 1, code: 'purpose-not-covered' };
  const missing = query.categories.filter((c) => !consent.categories.includes(c));
  if (missing.length > 0) return { rank: 2, code: 'category-not-covered', missing };
  if (query.recipient !== undefined || query.country !== undefined) {
    const named = query.recipient
      ? consent.recipients.filter((entry) => namesRecipient(entry, query.recipient!))
      : consent.recipients;
    if (query.recipient && named.length === 0) return { rank: 3, code: 'recipient-not-named' };
    if (query.country !== undefined && !named.some((entry) => entry.country === query.country))
      return { rank: 3, code: 'country-not-named' };
  }
  switch (effectiveState(consent, query.at)) {
    case 'active':
      return consent.validFrom !== null && consent.validFrom <= query.at
        ? null
        : { rank: 4, code: 'not-given' };
    case 'paused':
      return { rank: 7, code: 'paused' };
    case 'withdrawn':
      return { rank: 6, code: 'withdrawn' };
    case 'expired':
      return { rank: 5, code: 'expired' };
    case 'requested':
    case 'refused':
      return { rank: 4, code: 'not-given' };
  }
}

/** Whether the consent is one the query is about at all: this subject, operator and system. */
function concerns(consent: ConsentRecord, query: CoverageQuery): boolean {
  return (
    consent.subject === query.subject &&
    consent.controller === query.operator &&
    (consent.systems.length === 0 || consent.systems.includes(query.system))
  );
}

/**
 * The covering consent or the reason none covers. Among several misses the one that passed
 * most checks explains the refusal (a withdrawn consent for this very purpose says "withdrawn",
 * not "purpose not covered"); among equals the most recently updated.
 */
export function coverage(consents: readonly ConsentRecord[], query: CoverageQuery): Coverage {
  let nearest: { miss: Miss; consent: ConsentRecord } | undefined;
  for (const consent of consents) {
    if (!concerns(consent, query)) continue;
    const miss = missOf(consent, query);
    if (miss === null) return { covered: true, consent };
    if (
      !nearest ||
      miss.rank > nearest.miss.rank ||
      (miss.rank === nearest.miss.rank && consent.updatedAt > nearest.consent.updatedAt)
    )
      nearest = { miss, consent };
  }
  if (!nearest) return { covered: false, reason: reasonOf('none') };
  return {
    covered: false,
    reason: reasonOf(nearest.miss.code),
    consentId: nearest.consent.id,
    ...(nearest.miss.missing ? { missing: nearest.miss.missing } : {}),
  };
}
