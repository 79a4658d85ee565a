/**
 * Consent: requests from systems, the subject's (or guardian's) answers, withdrawal with an
 * outcome, pause and resume, expiry, guardianships and withdrawal grounds. Every event is one
 * transaction: the consent row's new state and version, the event row, the webhook owed to the
 * requesting system and the outbox item (ledger record + published event), together or not at
 * all. After the commit the outbox sequences the item and the answer carries its ledger index.
 */
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Labels, TaxonomyIndex } from '../core/taxonomy.js';
import type { JsonObject } from '../ledger/entry/canonical-json.js';
import type {
  CollectionMethod,
  ConsentActor,
  ConsentEvent,
  ConsentEventType,
  ConsentState,
  Language,
  Recipient,
} from './consent.model.js';
import type {
  ConsentOutbox,
  ConsentOutboxItem,
  ConsentRegistry,
  ConsentSubjects,
} from './consent.ports.js';
import { nextState } from './consent-state.js';
import {
  consentFromRow,
  consentsOfSubject,
  consentsOfSubjectWith,
  type ConsentDb,
  dueForExpiry,
  eventsOf,
  findConsent,
  rowFromConsent,
  type StoredConsent,
} from './consent.store.js';
import { coverage, type Coverage, type CoverageQuery } from './coverage.js';
import { labelFields, refuseIinInText } from './free-text.js';
import { isMinorOn, majorityDate } from './minors.js';
import { enqueueWebhook, type WebhookPolicy, checkWebhookUrl } from './webhooks.js';

export interface ConsentRequestInput {
  readonly iin: string;
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly recipients?: readonly Recipient[];
  readonly processingCountries?: readonly string[];
  readonly storageCountries?: readonly string[];
  readonly retention: string;
  readonly validUntil: string;
  readonly requestExpiresAt: string;
  readonly message: Labels;
  readonly language?: Language;
  readonly policyUrl: string;
  readonly callbackUrl?: string;
  readonly collectionMethod?: CollectionMethod;
}

export interface EventReceipt {
  readonly id: string;
  readonly ledgerIndex: number | null;
}

export interface ConsentWithEvents extends StoredConsent {
  readonly events: readonly ConsentEvent[];
}

/** A declared ground on which a withdrawal of the consent would be refused now. */
export interface WithdrawalGround {
  readonly reason: Labels;
  readonly reference: string;
  /** When the ground lapses (a withdrawal is accepted again), or null while it stands. */
  readonly validUntil: string | null;
}

/**
 * What its subject (or their guardian) sees: the consent, its events, and — while it is requested,
 * active or paused — the ground that would refuse a withdrawal now, so the portal says so before
 * anyone answers the request or tries, rather than offering a button whose answer is known.
 */
export interface SubjectsConsent extends ConsentWithEvents {
  readonly withdrawalGround?: WithdrawalGround;
}

/** A withdrawal is a request with an outcome: accepted, or refused on grounds declared earlier. */
export interface WithdrawalOutcome {
  readonly outcome: 'accepted' | 'refused';
  readonly reason?: Labels & { readonly reference: string };
  readonly consent: SubjectsConsent;
  readonly event: EventReceipt;
}

export type CitizenAction = 'approve' | 'refuse' | 'withdraw' | 'pause' | 'resume';

const EVENT_OF: Readonly<Record<Exclude<CitizenAction, 'withdraw'>, ConsentEventType>> = {
  approve: 'given',
  refuse: 'refused',
  pause: 'paused',
  resume: 'resumed',
};

export interface ConsentServiceDeps {
  readonly db: ConsentDb;
  readonly outbox: ConsentOutbox;
  readonly subjects: ConsentSubjects;
  readonly registry: ConsentRegistry;
  readonly taxonomy: TaxonomyIndex;
  readonly webhooks: WebhookPolicy;
  readonly clock: () => Date;
}

export const consentNotFound = (id: string) =>
  new DomainError('consent.not_found', `There is no consent or consent request ${id}.`);

const WITHDRAWAL_METHOD =
  'Qalqan portal or API: POST /v1/me/consents/{id}/withdraw (a guardian: /v1/me/children/{childId}/consents/{id}/withdraw)';

export function createConsentService(deps: ConsentServiceDeps) {
  const { db, outbox, clock } = deps;
  const now = () => clock().toISOString();

  /** The ledger record and the published event of one consent event: pseudonyms only. */
  function outboxItemOf(consent: StoredConsent, event: ConsentEvent): ConsentOutboxItem {
    const data: JsonObject = {
      consentId: consent.id,
      subject: consent.subject,
      controller: consent.controller,
      systems: [...consent.systems],
      purposes: [...consent.purposes],
      categories: [...consent.categories],
      state: consent.state,
      version: consent.version,
      actor: event.actor,
      ...(event.reason ? { reason: event.reason as unknown as JsonObject } : {}),
    };
    return {
      id: event.id,
      type: `consent.${event.type}`,
      record: { ...data, event: event.type, at: event.at },
      event: { id: event.id, type: `consent.${event.type}`, at: event.at, data },
    };
  }

  /**
   * Applies one event to a consent in one transaction; `guard` may refuse first (409/403) with
   * the row it read, so nothing is stored by a refused request.
   */
  async function applyEvent(
    consentId: string,
    type: ConsentEventType,
    actor: ConsentActor,
    guard: (consent: StoredConsent, at: string) => void,
    reason?: ConsentEvent['reason'],
  ): Promise<{ consent: StoredConsent; event: EventReceipt }> {
    const at = now();
    const eventId = newId('cev', clock().getTime());
    const consent = await db.transaction().execute(async (trx) => {
      const current = await findConsent(trx, consentId);
      if (!current) throw consentNotFound(consentId);
      guard(current, at);
      const state = nextState(current.state, type);
      if (state === null)
        throw new DomainError(
          'consent.invalid_transition',
          `The consent is ${current.state}; '${type}' is not possible now.`,
          { state: current.state },
        );
      const next: StoredConsent = {
        ...current,
        state,
        version: current.version + 1,
        updatedAt: at,
        validFrom: type === 'given' ? at : current.validFrom,
      };
      const updated = await trx
        .updateTable('consents')
        .set({
          state: next.state,
          version: next.version,
          updated_at: at,
          valid_from: next.validFrom,
        })
        .where('id', '=', consentId)
        .where('version', '=', current.version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new DomainError(
          'storage.conflict',
          `The consent ${consentId} changed at the same moment; read it again and retry.`,
        );
      const event: ConsentEvent = {
        id: eventId,
        consentId,
        type,
        at,
        actor,
        ...(reason ? { reason } : {}),
      };
      await trx
        .insertInto('consent_events')
        .values({
          id: event.id,
          consent_id: consentId,
          seq: next.version,
          type,
          at,
          actor_json: JSON.stringify(actor),
          reason_json: reason ? JSON.stringify(reason) : null,
        })
        .execute();
      await enqueueWebhook(trx, next, event, at);
      await outbox.enqueue(trx, [outboxItemOf(next, event)]);
      return next;
    });
    const indexes = await outbox.sequence([eventId]);
    return { consent, event: { id: eventId, ledgerIndex: indexes.get(eventId) ?? null } };
  }

  async function withEvents(consents: readonly StoredConsent[]): Promise<ConsentWithEvents[]> {
    const events = await eventsOf(
      db,
      consents.map((c) => c.id),
    );
    return consents.map((c) => ({ ...c, events: events.get(c.id) ?? [] }));
  }

  async function withEventsOne(consent: StoredConsent): Promise<ConsentWithEvents> {
    return (await withEvents([consent]))[0]!;
  }

  /** The subject's consent, or 404 exactly as if it did not exist. */
  async function subjectsConsent(subject: string, id: string): Promise<StoredConsent> {
    const consent = await findConsent(db, id);
    if (!consent || consent.subject !== subject) throw consentNotFound(id);
    return consent;
  }

  function requireNotExpiredRequest(consent: StoredConsent, at: string): void {
    if (consent.state !== 'requested')
      throw new DomainError(
        'consent.already_answered',
        `The consent request ${consent.id} is already ${consent.state}.`,
        { state: consent.state },
      );
    if (consent.requestExpiresAt <= at)
      throw new DomainError(
        'consent.request_expired',
        `The consent request ${consent.id} expired at ${consent.requestExpiresAt}.`,
      );
  }

  /**
   * For each consent in one of `states`, the withdrawal ground in force at `at` for one of its
   * systems and purposes: the earliest declared, as a withdrawal would meet it. One read for all.
   */
  async function withdrawalGroundsOf(
    consents: readonly StoredConsent[],
    at: string,
    states: readonly ConsentState[] = ['active', 'paused'],
  ): Promise<Map<string, WithdrawalGround>> {
    const open = consents.filter(
      (c) => states.includes(c.state) && c.systems.length > 0 && c.purposes.length > 0,
    );
    const found = new Map<string, WithdrawalGround>();
    if (open.length === 0) return found;
    const grounds = await db
      .selectFrom('withdrawal_grounds')
      .select(['system_id', 'purpose', 'reason_json', 'reference', 'valid_until'])
      .where('system_id', 'in', [...new Set(open.flatMap((c) => c.systems))])
      .where('purpose', 'in', [...new Set(open.flatMap((c) => c.purposes))])
      .where('declared_at', '<=', at)
      .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', at)]))
      .orderBy('declared_at')
      .orderBy('id')
      .execute();
    for (const consent of open) {
      const ground = grounds.find(
        (g) => consent.systems.includes(g.system_id) && consent.purposes.includes(g.purpose),
      );
      if (ground)
        found.set(consent.id, {
          reason: JSON.parse(ground.reason_json) as Labels,
          reference: ground.reference,
          validUntil: ground.valid_until,
        });
    }
    return found;
  }

  async function forSubject(consents: readonly StoredConsent[]): Promise<SubjectsConsent[]> {
    const [withHistory, grounds] = await Promise.all([
      withEvents(consents),
      // A request too: the citizen learns before answering that a withdrawal would be refused.
      withdrawalGroundsOf(consents, now(), ['requested', 'active', 'paused']),
    ]);
    return withHistory.map((consent) => {
      const withdrawalGround = grounds.get(consent.id);
      return withdrawalGround ? { ...consent, withdrawalGround } : consent;
    });
  }

  async function forSubjectOne(consent: StoredConsent): Promise<SubjectsConsent> {
    return (await forSubject([consent]))[0]!;
  }

  return {
    /** A system asks a subject for consent; the record starts in state `requested`. */
    async request(
      systemId: string,
      input: ConsentRequestInput,
    ): Promise<{ consent: StoredConsent; event: EventReceipt }> {
      const { taxonomy } = deps;
      refuseIinInText([
        ...labelFields('message', input.message),
        ...(input.recipients ?? []).map(
          (r, i) => [`recipients[${i}].name`, r.name] as [string, string],
        ),
      ]);
      taxonomy.requirePurposes(input.purposes, 'purposes');
      taxonomy.requireCategories(input.categories, 'categories');
      const system = await deps.registry.declaredOf(systemId);
      if (!system)
        throw new DomainError(
          'registry.system_not_found',
          `There is no information system ${systemId}.`,
        );
      const undeclaredPurposes = input.purposes.filter((p) => !system.purposes.includes(p));
      if (undeclaredPurposes.length > 0)
        throw new DomainError(
          'consent.purpose_not_declared',
          `purposes: ${undeclaredPurposes.map((p) => `'${p}'`).join(', ')} not declared by system ${systemId} in the registry`,
          { field: 'purposes', undeclared: undeclaredPurposes },
        );
      const undeclaredCategories = input.categories.filter((c) => !system.categories.includes(c));
      if (undeclaredCategories.length > 0)
        throw new DomainError(
          'consent.category_not_declared',
          `categories: ${undeclaredCategories.map((c) => `'${c}'`).join(', ')} not declared by system ${systemId} in the registry`,
          { field: 'categories', undeclared: undeclaredCategories },
        );
      for (const [i, r] of (input.recipients ?? []).entries())
        taxonomy.requireCountry(r.country, `recipients[${i}].country`);
      for (const [field, list] of [
        ['processingCountries', input.processingCountries ?? []],
        ['storageCountries', input.storageCountries ?? []],
      ] as const)
        for (const [i, c] of list.entries()) taxonomy.requireCountry(c, `${field}[${i}]`);
      const at = now();
      if (!(input.requestExpiresAt > at))
        throw new DomainError(
          'consent.invalid_request',
          'requestExpiresAt must be in the future.',
          {
            field: 'requestExpiresAt',
          },
        );
      if (!(input.validUntil > input.requestExpiresAt))
        throw new DomainError(
          'consent.invalid_request',
          'validUntil must be after requestExpiresAt (a consent cannot end before it can be given).',
          { field: 'validUntil' },
        );
      if (input.callbackUrl !== undefined) {
        await checkWebhookUrl(input.callbackUrl, deps.webhooks, 'callbackUrl');
        const secret = await db
          .selectFrom('webhook_secrets')
          .select('system_id')
          .where('system_id', '=', systemId)
          .executeTakeFirst();
        if (!secret)
          throw new DomainError(
            'consent.webhook_secret_missing',
            'Create the webhook signing secret first: POST /v1/consent-webhooks/secret.',
            { field: 'callbackUrl' },
          );
      }
      // Last, after every other check: registering the subject is the only write before the
      // consent's own transaction, and an invalid IIN is refused without storing anything.
      const subject = await deps.subjects.subjectOf(input.iin);
      const consent: StoredConsent = {
        id: newId('cns', clock().getTime()),
        subject: subject.pseudonym,
        subjectBirthDate: subject.birthDate,
        controller: system.operatorId,
        systems: [systemId],
        purposes: [...new Set(input.purposes)],
        categories: [...new Set(input.categories)],
        legalBasis: 'consent',
        recipients: input.recipients ?? [],
        processingCountries: input.processingCountries ?? [system.hostingCountry],
        storageCountries: input.storageCountries ?? [system.hostingCountry],
        retention: input.retention,
        validFrom: null,
        validUntil: input.validUntil,
        requestExpiresAt: input.requestExpiresAt,
        collectionMethod: input.collectionMethod ?? 'signed-request',
        language: input.language ?? 'ru',
        policyUrl: input.policyUrl,
        withdrawalMethod: WITHDRAWAL_METHOD,
        message: input.message,
        callbackUrl: input.callbackUrl ?? null,
        requestedBy: systemId,
        state: 'requested',
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const event: ConsentEvent = {
        id: newId('cev', clock().getTime()),
        consentId: consent.id,
        type: 'requested',
        at,
        actor: { kind: 'system', id: systemId },
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('consents').values(rowFromConsent(consent)).execute();
        await trx
          .insertInto('consent_events')
          .values({
            id: event.id,
            consent_id: consent.id,
            seq: 1,
            type: 'requested',
            at,
            actor_json: JSON.stringify(event.actor),
            reason_json: null,
          })
          .execute();
        await outbox.enqueue(trx, [outboxItemOf(consent, event)]);
      });
      const indexes = await outbox.sequence([event.id]);
      return { consent, event: { id: event.id, ledgerIndex: indexes.get(event.id) ?? null } };
    },

    /** The request as its system sees it; another system's request is 404. */
    async forSystem(systemId: string, id: string): Promise<ConsentWithEvents> {
      const consent = await findConsent(db, id);
      if (!consent || consent.requestedBy !== systemId) throw consentNotFound(id);
      return withEventsOne(consent);
    },

    async listForSubject(
      subject: string,
      which: 'requests' | 'consents',
    ): Promise<SubjectsConsent[]> {
      const at = now();
      const consents = await consentsOfSubject(
        db,
        subject,
        which === 'requests'
          ? ['requested']
          : ['active', 'paused', 'withdrawn', 'expired', 'refused'],
      );
      return forSubject(
        which === 'requests' ? consents.filter((c) => c.requestExpiresAt > at) : consents,
      );
    },

    async getForSubject(subject: string, id: string): Promise<SubjectsConsent> {
      return forSubjectOne(await subjectsConsent(subject, id));
    },

    /**
     * The subject (or a guardian for them, `actor`) acts on their consent. A minor cannot act
     * alone; a guardian cannot act once the child has come of age.
     */
    async act(
      subject: string,
      id: string,
      action: CitizenAction,
      actor: ConsentActor,
    ): Promise<WithdrawalOutcome> {
      const consent = await subjectsConsent(subject, id);
      const today = now().slice(0, 10);
      const minor = isMinorOn(consent.subjectBirthDate, today);
      if (actor.kind === 'subject' && minor)
        throw new DomainError(
          'consent.minor_needs_guardian',
          'You are under 18: a guardian registered for you gives, refuses or withdraws consent.',
        );
      if (actor.kind === 'guardian' && !minor)
        throw new DomainError(
          'consent.guardian_right_ended',
          `The child came of age on ${majorityDate(consent.subjectBirthDate)}; they act for themselves now.`,
        );
      const isRequestAnswer = action === 'approve' || action === 'refuse';
      const guard = (current: StoredConsent, at: string) => {
        if (isRequestAnswer) requireNotExpiredRequest(current, at);
        else if (current.state === 'requested')
          throw new DomainError(
            'consent.invalid_transition',
            `The consent ${current.id} has not been given; answer the request instead.`,
            { state: current.state },
          );
      };
      if (action === 'withdraw') {
        const ground = (await withdrawalGroundsOf([consent], now())).get(consent.id);
        const reason = ground ? { ...ground.reason, reference: ground.reference } : undefined;
        const result = await applyEvent(
          id,
          reason ? 'withdrawal-refused' : 'withdrawn',
          actor,
          guard,
          reason,
        );
        return {
          outcome: reason ? 'refused' : 'accepted',
          ...(reason ? { reason } : {}),
          consent: await forSubjectOne(result.consent),
          event: result.event,
        };
      }
      const result = await applyEvent(id, EVENT_OF[action], actor, guard);
      return {
        outcome: 'accepted',
        consent: await forSubjectOne(result.consent),
        event: result.event,
      };
    },

    /** The port the access decision uses (DOMAIN.md §5 rule 4–5). */
    async coveringConsent(query: CoverageQuery): Promise<Coverage> {
      return coverage(await consentsOfSubjectWith(db, query.subject, query.operator), query);
    },

    /** Expires requests and consents whose time has run out; returns how many. */
    async expireDue(limit = 200): Promise<number> {
      let expired = 0;
      for (const id of await dueForExpiry(db, now(), limit)) {
        try {
          await applyEvent(id, 'expired', { kind: 'qalqan', id: 'expiry-sweep' }, () => undefined);
          expired++;
        } catch (error) {
          // Another instance, or the subject, changed it at the same moment: nothing to expire.
          if (!(error instanceof DomainError)) throw error;
        }
      }
      return expired;
    },

    withEvents,
    rowToConsent: consentFromRow,
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
