/**
 * The access decision's input and output (DOMAIN.md §5, issue 11). `decide()` reads only what is
 * here: the service gathers it through narrow ports (registry profile, covering consent, regimes,
 * monitoring responses, restrictions) and passes the instant, so the decision is a pure function
 * a test can call without a server, a clock or a database.
 */
import type { Labels, LegalBasisCode, TaxonomyIndex } from '../core/taxonomy.js';

export type AccessAction = 'read' | 'search' | 'export' | 'transfer';
export const ACCESS_ACTIONS: readonly AccessAction[] = ['read', 'search', 'export', 'transfer'];

/** The country whose territory data must stay in unless a transfer is allowed (Law 94-V Art. 12). */
export const HOME_COUNTRY = 'KZ';

/** A reason a person reads: a stable code, the sentence in kk / ru / en, and what it is about. */
export interface AccessReason {
  readonly code: AccessReasonCode | StandingReasonCode;
  readonly message: Labels;
  /** Machine-readable particulars (sorted lists), so a client need not parse the sentence. */
  readonly detail?: ReasonDetail;
}

export interface ReasonDetail {
  readonly categories?: readonly string[];
  readonly country?: string;
  readonly consentId?: string;
  readonly regimeId?: string;
  readonly responseId?: string;
  readonly restrictionId?: string;
  readonly until?: string | null;
}

/** The registry's standing reasons (rules 1–2) pass through under their own code, prefixed. */
export type StandingReasonCode = `standing.${string}`;

/** Every code `decide()` can return; the catalogue with kk / ru / en sentences is `reasons.ts`. */
export type AccessReasonCode =
  // permits: one reason naming the basis the access rests on
  | 'permit.consent'
  | 'permit.law'
  | 'permit.court-order'
  | 'permit.public-task'
  | 'permit.contract'
  | 'permit.vital-interest'
  | 'permit.regime'
  // rule 1–2: the registry's standing of the system (its own codes, prefixed `standing.`)
  | 'standing.refused'
  // rule 3
  | 'purpose.unknown'
  | 'purpose.not_declared'
  | 'category.unknown'
  | 'category.not_allowed_for_purpose'
  | 'category.not_declared'
  | 'category.none'
  // rule 4
  | 'basis.unknown'
  | 'basis.not_allowed_for_purpose'
  | 'basis.reference_required'
  | 'consent.none'
  | 'consent.not-given'
  | 'consent.expired'
  | 'consent.withdrawn'
  | 'consent.paused'
  | 'consent.purpose-not-covered'
  | 'consent.category-not-covered'
  | 'consent.recipient-not-named'
  | 'consent.country-not-named'
  | 'ground.none'
  | 'ground.not_in_force'
  | 'vital-interest.not_health'
  | 'statistics.identified_subject'
  | 'regime.none'
  | 'regime.purpose_not_covered'
  | 'regime.category_not_covered'
  // rule 5
  | 'transfer.recipient_missing'
  | 'transfer.country_missing'
  | 'transfer.not_covered'
  | 'transfer.category_stays_in_country'
  | 'transfer.country_not_adequate'
  // rule 6
  | 'subject.restricted'
  // rule 8
  | 'response.actor_blocked'
  | 'response.actor_throttled'
  | 'response.system_blocked'
  | 'response.transfers_blocked';

/** A recipient of a transfer as a check names it: a BIN or foreign registration number, or a name. */
export interface TransferRecipient {
  readonly identifier?: string;
  readonly name: string;
}

/** A recipient a legal ground names: together with its country (a transfer is covered for both). */
export interface GroundRecipient extends TransferRecipient {
  readonly country: string;
}

/** A legal ground the registry holds for the system (law, court order, public task, contract). */
export interface AccessGround {
  readonly kind: LegalBasisCode;
  readonly purpose: string;
  /** The act, the court order's number, the contract's template. */
  readonly reference: string;
  readonly validFrom: string;
  /** null: open-ended. In force while `validFrom <= at < validTo`. */
  readonly validTo: string | null;
  /** The recipients (with their country) a transfer under this ground may go to. */
  readonly recipients?: readonly GroundRecipient[];
}

/** What the registry's `profileOf(systemId, at)` tells the decision (rules 1–5). */
export interface AccessProfile {
  readonly system: {
    readonly id: string;
    readonly operatorId: string;
    /** The registry's name, shown to the citizen; not used by the decision. */
    readonly name?: string;
    readonly kind: string;
    /** ISO 3166-1 alpha-2: a system hosted outside `HOME_COUNTRY` makes every read a transfer. */
    readonly hostingCountry: string;
    readonly purposes: readonly string[];
    readonly categories: readonly string[];
  };
  readonly operator: { readonly id: string; readonly name?: Labels };
  /** Rules 1–2: registered, active, operator active, a biometric system certified. */
  readonly standing: {
    readonly ok: boolean;
    readonly reasons: readonly { readonly code: string; readonly message: Labels }[];
  };
  readonly grounds: readonly AccessGround[];
}

export interface AccessRequest {
  readonly subject: {
    /** Never the IIN: the route turns it into a pseudonym before anything else. */
    readonly pseudonym: string;
    /** YYYY-MM-DD, from the IIN. */
    readonly birthDate: string;
  };
  readonly categories: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  /** The act, court order or contract the caller cites; required for `law` and `court-order`. */
  readonly basisReference?: string;
  /** The employee or process inside the operator; `pseudonym` of their own IIN when known. */
  readonly actor: { readonly id: string; readonly pseudonym?: string };
  readonly action: AccessAction;
  readonly recordCount?: number;
  readonly recipient?: TransferRecipient;
  /** ISO 3166-1 alpha-2 destination of a transfer. */
  readonly country?: string;
}

/**
 * The consent port's answer for this request (`coveringConsent`), asked with the query
 * `coverageQueryOf(profile, request)` from `decide.ts` builds — for a transfer it includes the
 * recipient and the country, so one answer serves both rule 4 and rule 5.
 */
export type ConsentCoverageResult =
  | { readonly covered: true; readonly consentId: string }
  | {
      readonly covered: false;
      readonly code: ConsentMissCode;
      /** The consent that came nearest, when there is one. */
      readonly consentId?: string;
      /** For `category-not-covered`: the categories it does not name. */
      readonly missing?: readonly string[];
    };

export type ConsentMissCode =
  | 'none'
  | 'not-given'
  | 'expired'
  | 'withdrawn'
  | 'paused'
  | 'purpose-not-covered'
  | 'category-not-covered'
  | 'recipient-not-named'
  | 'country-not-named';

/** An experimental legal regime (Digital Code): processing it names needs no consent. */
export interface AccessRegime {
  readonly id: string;
  readonly name: string;
  /** The legal act that opened it. */
  readonly act: string;
  readonly systems: readonly string[];
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  /** In force while `start <= at < end`. */
  readonly start: string;
  readonly end: string;
}

export type ResponseAction = 'block-actor' | 'throttle-actor' | 'block-system' | 'block-transfers';

/** A monitoring response (rule 8), for one system or a whole operator, until a time. */
export interface MonitoringResponse {
  readonly id: string;
  readonly action: ResponseAction;
  readonly scope:
    | { readonly kind: 'system'; readonly systemId: string }
    | { readonly kind: 'operator'; readonly operatorId: string };
  /** For actor responses: the actor's opaque id, and/or the pseudonym of their IIN. */
  readonly actor?: { readonly id?: string; readonly pseudonym?: string };
  /** For `block-transfers`: the destination country; absent = every cross-border transfer. */
  readonly country?: string;
  /** For `throttle-actor`: checks the actor may make per window (counted by the service). */
  readonly limit?: number;
  readonly from: string;
  /** null: until lifted. */
  readonly until: string | null;
  /** Why, shown with the denial. */
  readonly note?: Labels;
}

/** A subject's restriction of processing by an operator (rule 6; a rights request's outcome). */
export interface SubjectRestriction {
  readonly id: string;
  readonly operatorId: string;
  /** Absent or empty: every purpose. */
  readonly purposes?: readonly string[];
  readonly from: string;
  readonly until: string | null;
}

export interface DecisionInput {
  readonly profile: AccessProfile;
  readonly request: AccessRequest;
  readonly consent: ConsentCoverageResult;
  /** Regimes in force or not: `decide()` checks their dates against `at`. */
  readonly regimes: readonly AccessRegime[];
  readonly responses: readonly MonitoringResponse[];
  /** The subject's restrictions for this operator. */
  readonly restrictions: readonly SubjectRestriction[];
  /** The regulator's list of countries with adequate protection (ISO 3166-1 alpha-2). */
  readonly adequateCountries: ReadonlySet<string>;
  readonly taxonomy: TaxonomyIndex;
  /** Checks this actor made in the current throttling window (for `throttle-actor`); 0 if absent. */
  readonly actorChecksInWindow?: number;
  /** ISO 8601 instant of the check. */
  readonly at: string;
}

export interface DecisionBasis {
  readonly kind: string;
  /** The reference the check cited, else the ground's (the act shown to the citizen). */
  readonly reference?: string;
  /** The registered ground's own reference when a ground satisfied the basis. */
  readonly groundReference?: string;
  readonly consentId?: string;
  readonly regimeId?: string;
}

/** A transfer the check is (rule 5): by its action, or by the system's hosting abroad. */
export interface DecisionTransfer {
  readonly cause: 'action' | 'hosting';
  readonly country: string | null;
  readonly recipient?: TransferRecipient;
  readonly crossBorder: boolean;
}

/** Why the monitoring centre must look at this check whatever the decision. */
export type MonitoringSignal = 'vital-interest' | 'self-access';

export interface Decision {
  readonly decision: 'permit' | 'deny';
  /** A permit: one reason naming the basis. A deny: every failing reason, in rule order. */
  readonly reasons: readonly AccessReason[];
  readonly basis: DecisionBasis;
  readonly transfer?: DecisionTransfer;
  /** Present when the check must raise a monitoring event (vital interest, self-access). */
  readonly raisesEvent?: readonly MonitoringSignal[];
}
