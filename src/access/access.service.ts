/**
 * The access check service: validates a check, gathers what `decide()` reads through the ports,
 * decides, stores the check with its ledger record in the outbox in one transaction, sequences
 * it (durable in the ledger before the answer on the sequencing instance) and answers. Also the
 * reads (a check with its proof, the citizen's own view, subjects a system accessed) and the
 * regulator's regimes and adequacy list.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { decodeInstantCursor, encodeInstantCursor } from '../core/cursors.js';
import { DomainError } from '../core/errors.js';
import { checkIin, requireIin } from '../core/identifiers.js';
import { isId, newId } from '../core/ids.js';
import type { TaxonomyIndex } from '../core/taxonomy.js';
import { canonicalJson, type JsonObject, type JsonValue } from '../ledger/entry/canonical-json.js';
import type {
  AccessAction,
  AccessReason,
  AccessRegime,
  AccessRequest,
  Decision,
  DecisionBasis,
  MonitoringResponse,
  ReasonDetail,
  TransferRecipient,
} from './access.model.js';
import type {
  AccessOutbox,
  AccessOutboxItem,
  Clock,
  Consents,
  LedgerReceiptView,
  Profiles,
  Receipts,
  Responses,
  Restrictions,
  Subjects,
} from './access.ports.js';
import type { AccessStore, CheckCursor, CitizenFilter } from './access.store.js';
import type { AccessChecksTable, AccessRegimesTable, AccessTables } from './access.tables.js';
import { actorCodeOf } from './actor-code.js';
import { matchesNothing, matchWord, searchWords, type WordMatch } from './citizen-search.js';
import { citizenFacets } from './citizen-search.store.js';
import { coverageQueryOf, decide } from './decide.js';
import { idempotencyCutoff, keyDigests } from './idempotency.js';

/** A check as the API takes it (schema-validated): the subject and the actor's IIN still raw. */
export interface CheckInput {
  readonly subject: string;
  readonly categories: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  readonly basisReference?: string | undefined;
  readonly actor: { readonly id: string; readonly iin?: string | undefined };
  readonly action: AccessAction;
  readonly recordCount?: number | undefined;
  readonly recipient?: TransferRecipient | undefined;
  readonly country?: string | undefined;
}

export interface CheckAnswer {
  readonly decision: 'permit' | 'deny';
  readonly reasons: ReasonOut[];
  readonly checkId: string;
  readonly ledgerIndex: number | null;
  readonly basis: DecisionBasis;
}

export interface Caller {
  readonly systemId: string;
  readonly operatorId: string;
}

export const MAX_BATCH = 1000;
/** A throttle response counts the actor's checks over this window. */
export const THROTTLE_WINDOW_MS = 60_000;
const REFERENCE_REQUIRED: ReadonlySet<string> = new Set(['law', 'court-order']);
const TWELVE_DIGITS = /\d{12}/;
/** Something other than whitespace: an id, name or reference of spaces alone names nothing. */
const NOT_BLANK = /\S/;

/** A 400 naming `field` when `text` is sent but blank (empty or whitespace alone). */
function refuseBlank(field: string, text: string | undefined): void {
  if (text !== undefined && !NOT_BLANK.test(text))
    throw new DomainError('request.validation', `${field}: must not be blank`, { field });
}
const CHECK_TYPE = 'access.check';
const EVENT_TYPE = 'access.checked';

export interface AccessServiceDeps {
  readonly store: AccessStore;
  readonly profiles: Profiles;
  readonly consents: Consents;
  readonly subjects: Subjects;
  readonly responses: Responses;
  readonly restrictions: Restrictions;
  readonly outbox: AccessOutbox;
  readonly receipts: Receipts;
  readonly taxonomy: TaxonomyIndex;
  readonly clock: Clock;
  /** Key of the per-operator actor codes the citizen sees (HMAC-SHA-256). */
  readonly actorKey: Uint8Array;
  /** Key of the stored digests of `Idempotency-Key`s (HMAC-SHA-256, `idempotency.ts`). */
  readonly idempotencyKey: Uint8Array;
  /** How long an `Idempotency-Key` answers retries after its check, in milliseconds. */
  readonly idempotencyRetentionMs: number;
  /** How long another instance's regime and adequacy changes may take to be seen. Default 1000 ms. */
  readonly cacheMs?: number;
}

/** A validated check, ready to decide: pseudonyms only from here on. */
interface Prepared {
  readonly input: CheckInput;
  readonly categories: readonly string[];
  readonly actorPseudonym: string | undefined;
}

interface Decided {
  readonly row: AccessChecksTable;
  readonly item: AccessOutboxItem;
  readonly decision: Decision;
}

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/** A reason as answered: plain arrays (the API's types are not readonly). */
export interface ReasonOut {
  readonly code: string;
  readonly message: AccessReason['message'];
  readonly detail?: Omit<ReasonDetail, 'categories'> & { categories?: string[] };
}

export function reasonOut(reason: AccessReason): ReasonOut {
  if (!reason.detail) return { code: reason.code, message: reason.message };
  const { categories, ...rest } = reason.detail;
  return {
    code: reason.code,
    message: reason.message,
    detail: categories ? { ...rest, categories: [...categories] } : rest,
  };
}

/** Drops undefined members so the value is JSON (the ledger record and the event). */
function json(members: Record<string, JsonValue | undefined>): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(members)) if (value !== undefined) out[key] = value;
  return out;
}

const basisJson = (basis: DecisionBasis): JsonObject =>
  json({
    kind: basis.kind,
    reference: basis.reference,
    groundReference: basis.groundReference,
    consentId: basis.consentId,
    regimeId: basis.regimeId,
  });

const recipientJson = (recipient: TransferRecipient | undefined): JsonObject | undefined =>
  recipient ? json({ identifier: recipient.identifier, name: recipient.name }) : undefined;

export function encodeCursor(cursor: CheckCursor): string {
  return encodeInstantCursor(cursor);
}

const isCheckId = (id: string) => isId(id, 'chk');

/** Only what `encodeCursor` writes: a check's exact instant and id (a forged one is not a position). */
export function decodeCursor(text: string): CheckCursor {
  return decodeInstantCursor(text, isCheckId);
}

export type AccessService = ReturnType<typeof createAccessService>;

export function createAccessService(deps: AccessServiceDeps) {
  const { store, taxonomy, clock } = deps;
  const cacheMs = deps.cacheMs ?? 1000;

  // ---- regulator data read on every check: cached, reloaded after `cacheMs` or our own change.
  // One load at a time: the checks that find the cache stale while it reloads share that load
  // (fifty waiting clients made fifty identical reads each time it went stale).
  let regimeCache: { at: number; regimes: Promise<AccessRegime[]> } | undefined;
  let adequacyCache: { at: number; countries: Promise<ReadonlySet<string>> } | undefined;
  /** The loaded value, or the load's failure once, with the cache emptied for the next check. */
  function sharedLoad<T>(load: () => Promise<T>, forget: () => void): Promise<T> {
    const loading = load();
    loading.catch(forget);
    return loading;
  }
  function regimes(): Promise<readonly AccessRegime[]> {
    const now = Date.now();
    if (!regimeCache || now - regimeCache.at > cacheMs) {
      const cache = {
        at: now,
        regimes: sharedLoad(
          async () => (await store.regimes()).map(regimeOf),
          () => {
            if (regimeCache === cache) regimeCache = undefined;
          },
        ),
      };
      regimeCache = cache;
    }
    return regimeCache.regimes;
  }
  function adequateCountries(): Promise<ReadonlySet<string>> {
    const now = Date.now();
    if (!adequacyCache || now - adequacyCache.at > cacheMs) {
      const cache = {
        at: now,
        countries: sharedLoad(
          async () => {
            const countries = new Set(taxonomy.taxonomy.adequateCountries);
            for (const row of await store.adequacy())
              if (row.adequate === 1) countries.add(row.country);
              else countries.delete(row.country);
            return countries;
          },
          () => {
            if (adequacyCache === cache) adequacyCache = undefined;
          },
        ),
      };
      adequacyCache = cache;
    }
    return adequacyCache.countries;
  }

  /**
   * Subjects this instance registered: a check for one of them needs no database round trip
   * (the pseudonym is a keyed hash, the birth date is in the IIN). Bounded; cleared when full.
   */
  const registered = new Set<string>();
  async function registeredSubject(iin: string) {
    const check = checkIin(iin);
    const pseudonym = deps.subjects.pseudonymOf(iin);
    if (check.valid && registered.has(pseudonym)) return { pseudonym, birthDate: check.birthDate };
    const subject = await deps.subjects.subjectOf(iin);
    if (registered.size >= 100_000) registered.clear();
    registered.add(subject.pseudonym);
    return subject;
  }

  // Actors repeat (an operator's staff and jobs): each code is an HMAC, kept once computed.
  // Bounded like `registered`; the codes are the same whether computed again or not.
  const actorCodes = new Map<string, string>();
  const actorCode = (operatorId: string, actorId: string) => {
    const key = `${operatorId}\n${actorId}`;
    let code = actorCodes.get(key);
    if (code === undefined) {
      code = actorCodeOf(deps.actorKey, operatorId, actorId);
      if (actorCodes.size >= 100_000) actorCodes.clear();
      actorCodes.set(key, code);
    }
    return code;
  };

  /** Every bad input a 4xx naming the field; the IINs are checked but never echoed. */
  function validate(input: CheckInput, field = ''): Prepared {
    requireIin(input.subject, `${field}subject`);
    if (input.categories.length === 0)
      throw new DomainError('request.validation', `${field}categories: name at least one`, {
        field: `${field}categories`,
      });
    taxonomy.requireCategories(input.categories, `${field}categories`);
    taxonomy.requirePurposes([input.purpose], `${field}purpose`);
    taxonomy.requireLegalBasis(input.legalBasis, `${field}legalBasis`);
    if (REFERENCE_REQUIRED.has(input.legalBasis) && !input.basisReference?.trim())
      throw new DomainError(
        'access.reference_required',
        `${field}basisReference: a '${input.legalBasis}' basis must cite the act or the order`,
        { field: `${field}basisReference` },
      );
    if (input.country !== undefined) taxonomy.requireCountry(input.country, `${field}country`);
    if (input.action === 'transfer' && (!input.recipient || input.country === undefined))
      throw new DomainError(
        'access.transfer_incomplete',
        `${field}${input.recipient ? 'country' : 'recipient'}: a transfer names its recipient and country`,
        { field: `${field}${input.recipient ? 'country' : 'recipient'}` },
      );
    refuseBlank(`${field}actor.id`, input.actor.id);
    refuseBlank(`${field}basisReference`, input.basisReference);
    refuseBlank(`${field}recipient.name`, input.recipient?.name);
    refuseBlank(`${field}recipient.identifier`, input.recipient?.identifier);
    if (TWELVE_DIGITS.test(input.actor.id))
      throw new DomainError(
        'access.identifier_in_actor',
        `${field}actor.id: twelve digits in a row look like an IIN; send the employee's IIN as actor.iin`,
        { field: `${field}actor.id` },
      );
    for (const [name, text] of [
      ['basisReference', input.basisReference],
      ['recipient.name', input.recipient?.name],
    ] as const)
      if (text !== undefined && TWELVE_DIGITS.test(text) && !/^\d{12}$/.test(text))
        throw new DomainError(
          'registry.identifier_in_text',
          `${field}${name}: twelve digits in a row look like an IIN`,
          { field: `${field}${name}` },
        );
    let actorPseudonym: string | undefined;
    if (input.actor.iin !== undefined)
      actorPseudonym = deps.subjects.pseudonymOf(requireIin(input.actor.iin, `${field}actor.iin`));
    return { input, categories: sortedUnique(input.categories), actorPseudonym };
  }

  async function profileOf(systemId: string, at: Date) {
    const profile = await deps.profiles.profileOf(systemId, at);
    if (!profile)
      throw new DomainError('registry.system_not_found', `No information system ${systemId}.`);
    return profile;
  }

  /** Gathers the ports' answers and decides one prepared check; nothing is written yet. */
  async function decideOne(
    caller: Caller,
    prepared: Prepared,
    profile: Awaited<ReturnType<typeof profileOf>>,
    at: string,
    shared: {
      regimes: readonly AccessRegime[];
      adequate: ReadonlySet<string>;
      responses: readonly MonitoringResponse[];
      subjectOf(iin: string): Promise<{ readonly pseudonym: string; readonly birthDate: string }>;
    },
  ): Promise<Decided> {
    const { input } = prepared;
    const subject = await shared.subjectOf(input.subject);
    const request: AccessRequest = {
      subject,
      categories: prepared.categories,
      purpose: input.purpose,
      legalBasis: input.legalBasis,
      ...(input.basisReference !== undefined ? { basisReference: input.basisReference } : {}),
      actor: {
        id: input.actor.id,
        ...(prepared.actorPseudonym !== undefined ? { pseudonym: prepared.actorPseudonym } : {}),
      },
      action: input.action,
      ...(input.recordCount !== undefined ? { recordCount: input.recordCount } : {}),
      ...(input.recipient ? { recipient: input.recipient } : {}),
      ...(input.country !== undefined ? { country: input.country } : {}),
    };
    const throttles = shared.responses.some(
      (r) =>
        r.action === 'throttle-actor' &&
        (r.actor?.id === input.actor.id ||
          (r.actor?.pseudonym !== undefined && r.actor.pseudonym === prepared.actorPseudonym)),
    );
    const [consent, restrictions, actorChecksInWindow] = await Promise.all([
      deps.consents.coveringConsent({
        subject: subject.pseudonym,
        at,
        ...coverageQueryOf(profile, request),
      }),
      deps.restrictions.of(subject.pseudonym, profile.operator.id, at),
      throttles
        ? store.actorChecksSince(
            caller.systemId,
            input.actor.id,
            new Date(Date.parse(at) - THROTTLE_WINDOW_MS).toISOString(),
          )
        : Promise.resolve(0),
    ]);
    const decision = decide({
      profile,
      request,
      consent,
      regimes: shared.regimes,
      responses: shared.responses,
      restrictions,
      adequateCountries: shared.adequate,
      taxonomy,
      actorChecksInWindow,
      at,
    });
    const id = newId('chk', Date.parse(at));
    const code = actorCode(profile.operator.id, input.actor.id);
    const recipient = recipientJson(input.recipient);
    const row: AccessChecksTable = {
      id,
      system_id: caller.systemId,
      operator_id: profile.operator.id,
      subject: subject.pseudonym,
      actor_id: input.actor.id,
      actor_pseudonym: prepared.actorPseudonym ?? null,
      actor_code: code,
      purpose: input.purpose,
      legal_basis: input.legalBasis,
      basis_reference: input.basisReference ?? null,
      categories_json: JSON.stringify(prepared.categories),
      action: input.action,
      record_count: input.recordCount ?? null,
      recipient_json: recipient ? JSON.stringify(recipient) : null,
      country: input.country ?? null,
      decision: decision.decision,
      reasons_json: JSON.stringify(decision.reasons),
      basis_json: JSON.stringify(basisJson(decision.basis)),
      transfer_json: decision.transfer ? JSON.stringify(decision.transfer) : null,
      signals_json: decision.raisesEvent ? JSON.stringify(decision.raisesEvent) : null,
      at,
      ledger_index: null,
    };
    const reasonCodes = decision.reasons.map((reason) => reason.code);
    // The committed record the citizen can verify: pseudonyms and the actor's opaque code only.
    const record = json({
      check: id,
      at,
      system: caller.systemId,
      operator: profile.operator.id,
      subject: subject.pseudonym,
      actor: code,
      action: input.action,
      purpose: input.purpose,
      categories: [...prepared.categories],
      basis: basisJson(decision.basis),
      decision: decision.decision,
      reasons: reasonCodes,
      recordCount: input.recordCount,
      recipient,
      country: input.country,
    });
    const event = {
      id,
      type: EVENT_TYPE,
      at,
      data: json({
        checkId: id,
        system: caller.systemId,
        operator: profile.operator.id,
        subject: subject.pseudonym,
        actor: json({ id: input.actor.id, code, pseudonym: prepared.actorPseudonym }),
        action: input.action,
        purpose: input.purpose,
        categories: [...prepared.categories],
        legalBasis: input.legalBasis,
        basis: basisJson(decision.basis),
        decision: decision.decision,
        reasons: reasonCodes,
        recordCount: input.recordCount,
        recipient,
        country: decision.transfer?.country ?? input.country,
        crossBorder: decision.transfer?.crossBorder ?? false,
        // Whether the destination was on the adequacy list at decision time: the monitor judges
        // the transfer by this, never by the list as it is later (it does not read access tables).
        countryAdequate:
          decision.transfer?.crossBorder && decision.transfer.country !== null
            ? shared.adequate.has(decision.transfer.country)
            : undefined,
        signals: decision.raisesEvent ? [...decision.raisesEvent] : [],
      }),
    };
    return { row, decision, item: { id, type: CHECK_TYPE, record, event } };
  }

  async function decideAll(caller: Caller, prepared: readonly Prepared[]): Promise<Decided[]> {
    const now = clock();
    const at = now.toISOString();
    const profile = await profileOf(caller.systemId, now);
    const [regimeList, adequate, responses] = await Promise.all([
      regimes(),
      adequateCountries(),
      deps.responses.inForce({ systemId: caller.systemId, operatorId: profile.operator.id, at }),
    ]);
    // A batch often names one subject many times: register and pseudonymise it once.
    const seen = new Map<string, Promise<{ pseudonym: string; birthDate: string }>>();
    const subjectOf = (iin: string) => {
      let found = seen.get(iin);
      if (!found) seen.set(iin, (found = registeredSubject(iin)));
      return found;
    };
    const shared = { regimes: regimeList, adequate, responses, subjectOf };
    const decided: Decided[] = [];
    // In order: a batch's ids follow its order, and SQLite serialises the reads anyway.
    for (const one of prepared) decided.push(await decideOne(caller, one, profile, at, shared));
    return decided;
  }

  // ---- group commit of checks: what queues while a transaction runs goes into the next one
  type Pending = {
    readonly decided: readonly Decided[];
    resolve(): void;
    reject(e: unknown): void;
  };
  let queue: Pending[] = [];
  let writing = false;
  function commit(decided: readonly Decided[]): Promise<void> {
    return new Promise((resolve, reject) => {
      queue.push({ decided, resolve, reject });
      if (!writing) void writeRounds();
    });
  }
  async function writeRounds(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const taken = queue;
      queue = [];
      const all = taken.flatMap((pending) => pending.decided);
      try {
        await store.db.transaction().execute(async (trx) => writeDecided(trx, all));
        for (const pending of taken) pending.resolve();
      } catch (error) {
        for (const pending of taken) pending.reject(error);
      }
    }
    writing = false;
  }
  async function writeDecided(trx: Kysely<AccessTables>, decided: readonly Decided[]) {
    await store.insertChecks(
      trx,
      decided.map((d) => d.row),
    );
    await deps.outbox.enqueue(
      trx,
      decided.map((d) => d.item),
    );
  }

  const answerOf = (decided: Decided, ledgerIndex: number | null): CheckAnswer => ({
    decision: decided.decision.decision,
    reasons: decided.decision.reasons.map(reasonOut),
    checkId: decided.row.id,
    ledgerIndex,
    basis: decided.decision.basis,
  });

  async function sequenceAnswers(decided: readonly Decided[]): Promise<CheckAnswer[]> {
    const indexes = await deps.outbox.sequence(decided.map((d) => d.row.id));
    return decided.map((d) => answerOf(d, indexes.get(d.row.id) ?? null));
  }

  /** The first answers to an idempotent request, rebuilt from the stored checks. */
  async function storedAnswers(ids: readonly string[]): Promise<CheckAnswer[]> {
    const rows = new Map((await store.checksByIds(ids)).map((row) => [row.id, row]));
    const answers = await Promise.all(
      ids.map(async (id) => {
        const row = rows.get(id);
        if (!row) throw new DomainError('server.internal', 'An idempotent answer lost its check.');
        return {
          decision: row.decision,
          reasons: (JSON.parse(row.reasons_json) as AccessReason[]).map(reasonOut),
          checkId: row.id,
          ledgerIndex: await ledgerIndexOf(row),
          basis: JSON.parse(row.basis_json) as DecisionBasis,
        };
      }),
    );
    // A retry that overtook the first request (its check committed, its entry not yet appended)
    // waits for the entry as the first does; on a standby instance this answers null at once.
    const unsequenced = answers.filter((a) => a.ledgerIndex === null).map((a) => a.checkId);
    if (unsequenced.length === 0) return answers;
    const indexes = await deps.outbox.sequence(unsequenced);
    return answers.map((a) =>
      a.ledgerIndex === null ? { ...a, ledgerIndex: indexes.get(a.checkId) ?? null } : a,
    );
  }

  /** The ledger's receipt with a plain proof array (the API's types are not readonly). */
  async function receiptOf(index: number) {
    const receipt: LedgerReceiptView = await deps.receipts.receipt(index);
    return { ...receipt, inclusionProof: [...receipt.inclusionProof] };
  }

  async function ledgerIndexOf(row: AccessChecksTable): Promise<number | null> {
    return row.ledger_index ?? (await deps.outbox.ledgerIndexOf(row.id));
  }

  /**
   * Digests of the request body (which holds the subject's IIN): the keyed one every row is
   * written with, and the plain SHA-256 of the rows the 20261205_1730 migration converted.
   */
  const bodyHashes = (kind: string, body: JsonValue) => {
    const text = canonicalJson([kind, body]);
    return {
      keyed: createHmac('sha256', deps.idempotencyKey).update(text).digest('hex'),
      plain: createHash('sha256').update(text).digest('hex'),
    };
  };

  /** The instant before which a key is forgotten, deleted or not (`idempotency.ts`). */
  const keyCutoff = () => idempotencyCutoff(clock(), deps.idempotencyRetentionMs);

  /**
   * The earlier answer for this key, a 422 if the body differs, or undefined for a new key (or
   * one older than the retention).
   */
  async function replay(
    caller: Caller,
    digests: readonly [string, string],
    kind: 'single' | 'batch',
    hashes: { readonly keyed: string; readonly plain: string },
  ): Promise<CheckAnswer[] | undefined> {
    const earlier = await store.idempotencyOf(caller.systemId, digests, keyCutoff());
    if (!earlier) return undefined;
    // A row found by the key's plain digest is a converted one: its body hash is plain too.
    const hash = earlier.key_hash === digests[0] ? hashes.keyed : hashes.plain;
    if (earlier.body_hash !== hash || earlier.kind !== kind)
      throw new DomainError(
        'access.idempotency_mismatch',
        'This Idempotency-Key was used with a different request; use a new key for a new check.',
      );
    return storedAnswers(JSON.parse(earlier.check_ids_json) as string[]);
  }

  async function run(
    caller: Caller,
    inputs: readonly CheckInput[],
    kind: 'single' | 'batch',
    idempotency: { key: string; body: JsonValue } | undefined,
  ): Promise<CheckAnswer[]> {
    // The key is the client's text (it may hold an IIN), the body holds the subject's: from here
    // on only their digests.
    const hashes = idempotency ? bodyHashes(kind, idempotency.body) : undefined;
    const digests = idempotency ? keyDigests(deps.idempotencyKey, idempotency.key) : undefined;
    if (digests && hashes) {
      const earlier = await replay(caller, digests, kind, hashes);
      if (earlier) return earlier;
    }
    const prepared = inputs.map((input, i) =>
      validate(input, kind === 'batch' ? `checks[${i}].` : ''),
    );
    const decided = await decideAll(caller, prepared);
    if (!idempotency && deps.outbox.appendWith) {
      // On the sequencing instance: the checks' rows (a batch's all together, with their indexes:
      // the only copy, as no outbox row is written), their events' rows and their ledger entries in
      // one commit, which the ledger's group commit shares with the
      // checks queued meanwhile.
      const indexes = await deps.outbox.appendWith(
        decided.map((d) => d.item),
        (ledgerIndexes) =>
          store.insertCheckQueries(
            decided.map((d, i) => ({ ...d.row, ledger_index: ledgerIndexes[i]! })),
          ),
      );
      if (indexes) return decided.map((d, i) => answerOf(d, indexes[i] ?? null));
    }
    if (!digests || !hashes) {
      await commit(decided);
      return sequenceAnswers(decided);
    }
    try {
      await store.db.transaction().execute(async (trx) => {
        // An expired row of this key, not yet deleted by the retention, gives way to the new one.
        await store.forgetExpiredKey(trx, caller.systemId, digests, keyCutoff());
        await store.insertIdempotency(trx, {
          system_id: caller.systemId,
          key_hash: digests[0],
          body_hash: hashes.keyed,
          kind,
          check_ids_json: JSON.stringify(decided.map((d) => d.row.id)),
          created_at: decided[0]?.row.at ?? clock().toISOString(),
        });
        await writeDecided(trx, decided);
      });
    } catch (error) {
      // A concurrent request with the same key won the insert: answer as it did.
      const earlier = await replay(caller, digests, kind, hashes);
      if (earlier) return earlier;
      throw error;
    }
    return sequenceAnswers(decided);
  }

  // ---- regimes and the adequacy list (regulator), each change a ledger entry
  async function recordChange(
    write: (trx: Kysely<AccessTables>) => Promise<void>,
    type: string,
    record: JsonObject,
  ): Promise<{ id: string; ledgerIndex: number | null }> {
    const id = newId('acc', clock().getTime());
    await store.db.transaction().execute(async (trx) => {
      await write(trx);
      await deps.outbox.enqueue(trx, [{ id, type, record }]);
    });
    const indexes = await deps.outbox.sequence([id]);
    return { id, ledgerIndex: indexes.get(id) ?? null };
  }

  function regimeOf(row: AccessRegimesTable): AccessRegime {
    return {
      id: row.id,
      name: row.name,
      act: row.act,
      systems: JSON.parse(row.systems_json) as string[],
      purposes: JSON.parse(row.purposes_json) as string[],
      categories: JSON.parse(row.categories_json) as string[],
      start: row.starts_at,
      end: row.ends_at,
    };
  }

  const regimeView = (row: AccessRegimesTable, now: string) => ({
    ...regimeOf(row),
    systems: JSON.parse(row.systems_json) as string[],
    purposes: JSON.parse(row.purposes_json) as string[],
    categories: JSON.parse(row.categories_json) as string[],
    closedAt: row.closed_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    state:
      now < row.starts_at
        ? ('scheduled' as const)
        : now < row.ends_at
          ? ('in-force' as const)
          : ('ended' as const),
  });

  return {
    /** One check: the decision, stored and in the ledger (null index on a standby instance). */
    async check(caller: Caller, input: CheckInput, key?: string): Promise<CheckAnswer> {
      const [answer] = await run(
        caller,
        [input],
        'single',
        key === undefined ? undefined : { key, body: checkBody(input) },
      );
      if (!answer) throw new DomainError('server.internal', 'A check produced no answer.');
      return answer;
    },

    /** Up to 1,000 checks, one answer each in order, written in one transaction. */
    async batch(
      caller: Caller,
      inputs: readonly CheckInput[],
      key?: string,
    ): Promise<CheckAnswer[]> {
      if (inputs.length > MAX_BATCH)
        throw new DomainError(
          'access.batch_too_large',
          `checks: ${inputs.length} checks; a batch holds at most ${MAX_BATCH}`,
          { field: 'checks', limit: MAX_BATCH },
        );
      if (inputs.length === 0) return [];
      return run(
        caller,
        inputs,
        'batch',
        key === undefined ? undefined : { key, body: inputs.map(checkBody) },
      );
    },

    /** A stored check; a system sees only its own (another's is the same 404 as a missing one). */
    async getCheck(id: string, systemId: string | undefined) {
      const row = await store.checkById(id);
      if (!row || (systemId !== undefined && row.system_id !== systemId))
        throw new DomainError('access.check_not_found', `No access check ${id}.`);
      const ledgerIndex = await ledgerIndexOf(row);
      return {
        check: operatorView(row),
        ledgerIndex,
        receipt: ledgerIndex === null ? null : await receiptOf(ledgerIndex),
      };
    },

    /** The citizen's own accesses, newest first, each with its committed record and proof. */
    async accessesOf(
      subject: string,
      filter: CitizenFilter,
      cursor: string | undefined,
      limit: number,
    ) {
      // Canonical UTC instants (the shell rewrites every date-time so): compared as text.
      if (filter.from !== undefined && filter.to !== undefined && filter.to <= filter.from)
        throw new DomainError(
          'request.validation',
          'to: must be later than from (the range includes from and ends before to)',
          { field: 'to' },
        );
      const words = searchWords(filter.search);
      let matched: WordMatch[] = [];
      if (words.length > 0) {
        // Names as the registry has them now, for the systems this citizen's records name.
        const facets = await citizenFacets(store.db, subject);
        const now = clock();
        const systems = await Promise.all(
          facets.systems.map(async (s) => {
            const profile = await deps.profiles.profileOf(s.systemId, now);
            return {
              ...s,
              systemName: profile?.system.name,
              operatorName: profile?.operator.name,
            };
          }),
        );
        matched = words.map((word) => matchWord(word, { ...facets, systems }, taxonomy));
        // A word found nowhere: no record can hold every word, and no query is needed.
        if (matched.some(matchesNothing)) return { items: [], next: null };
      }
      const rows = await store.citizenPage(
        subject,
        filter,
        cursor === undefined ? undefined : decodeCursor(cursor),
        limit,
        matched,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      // A citizen reads names, not ids: the system's and operator's registry names as they are now
      // (shown beside the committed record, which keeps the ids the log holds).
      const now = clock();
      const names = new Map(
        await Promise.all(
          [...new Set(page.map((row) => row.system_id))].map(
            async (systemId) => [systemId, await deps.profiles.profileOf(systemId, now)] as const,
          ),
        ),
      );
      const items = await Promise.all(
        page.map(async (row) => {
          const ledgerIndex = await ledgerIndexOf(row);
          const receipt = ledgerIndex === null ? null : await receiptOf(ledgerIndex);
          const profile = names.get(row.system_id);
          return {
            ...citizenView(row),
            ...(profile?.system.name !== undefined ? { systemName: profile.system.name } : {}),
            ...(profile?.operator.name !== undefined
              ? { operatorName: { ...profile.operator.name } }
              : {}),
            ledgerIndex,
            receipt,
          };
        }),
      );
      return {
        items,
        next: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
      };
    },

    /** Distinct subjects (pseudonyms) a system accessed in [from, to), paged by pseudonym. */
    async subjectsAccessedBy(
      systemId: string,
      from: string,
      to: string,
      page: { after?: string; limit?: number } = {},
    ): Promise<{ subjects: string[]; next: string | null }> {
      const limit = page.limit ?? 1000;
      const found = await store.subjectsAccessedBy(systemId, from, to, page.after, limit);
      const subjects = found.slice(0, limit);
      return { subjects, next: found.length > limit ? (subjects.at(-1) ?? null) : null };
    },

    async openRegime(
      input: {
        readonly name: string;
        readonly act: string;
        readonly systems: readonly string[];
        readonly purposes: readonly string[];
        readonly categories: readonly string[];
        readonly start: string;
        readonly end: string;
      },
      by: string,
    ) {
      refuseBlank('name', input.name);
      refuseBlank('act', input.act);
      taxonomy.requirePurposes(input.purposes, 'purposes');
      taxonomy.requireCategories(input.categories, 'categories');
      const start = new Date(input.start);
      const end = new Date(input.end);
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end)
        throw new DomainError('access.invalid_regime', 'end: a regime ends after it starts', {
          field: 'end',
        });
      // A regime over before it is opened would permit nothing: a mistyped year, refused.
      if (end <= clock())
        throw new DomainError('access.invalid_regime', 'end: a regime ends in the future', {
          field: 'end',
        });
      for (const systemId of input.systems)
        if (!(await deps.profiles.profileOf(systemId, clock())))
          throw new DomainError(
            'access.invalid_regime',
            `systems: no information system ${systemId}`,
            {
              field: 'systems',
            },
          );
      const now = clock().toISOString();
      const row: AccessRegimesTable = {
        id: newId('rgm', clock().getTime()),
        name: input.name,
        act: input.act,
        systems_json: JSON.stringify(sortedUnique(input.systems)),
        purposes_json: JSON.stringify(sortedUnique(input.purposes)),
        categories_json: JSON.stringify(sortedUnique(input.categories)),
        starts_at: start.toISOString(),
        ends_at: end.toISOString(),
        closed_at: null,
        created_by: by,
        created_at: now,
      };
      const change = await recordChange(
        (trx) => store.insertRegime(trx, row),
        'access.regime.opened',
        {
          regime: row.id,
          name: row.name,
          act: row.act,
          systems: JSON.parse(row.systems_json) as string[],
          purposes: JSON.parse(row.purposes_json) as string[],
          categories: JSON.parse(row.categories_json) as string[],
          start: row.starts_at,
          end: row.ends_at,
          by,
        },
      );
      regimeCache = undefined;
      return { regime: regimeView(row, now), change };
    },

    async closeRegime(id: string, by: string) {
      const row = await store.regimeById(id);
      if (!row) throw new DomainError('access.regime_not_found', `No legal regime ${id}.`);
      const now = clock().toISOString();
      if (row.ends_at <= now)
        throw new DomainError('access.invalid_regime', `The regime ${id} has already ended.`);
      const change = await recordChange(
        (trx) => store.closeRegime(trx, id, now),
        'access.regime.closed',
        {
          regime: id,
          at: now,
          by,
        },
      );
      regimeCache = undefined;
      return { regime: regimeView({ ...row, closed_at: now, ends_at: now }, now), change };
    },

    async listRegimes() {
      const now = clock().toISOString();
      return (await store.regimes()).map((row) => regimeView(row, now));
    },

    async adequacy() {
      const countries = [...(await adequateCountries())].sort();
      return { countries, changes: await store.adequacy() };
    },

    /**
     * Adds a country to the adequacy list or removes it. A PUT that changes nothing (a country
     * already on the list, or one not on it removed) answers `change: null` and writes nothing:
     * the log records changes, not repeated statements.
     */
    async setAdequacy(country: string, adequate: boolean, by: string) {
      taxonomy.requireCountry(country, 'country');
      const now = clock().toISOString();
      const id = newId('acc', clock().getTime());
      const changed = await store.db.transaction().execute(async (trx) => {
        const override = await store.adequacyOf(trx, country);
        const current = override
          ? override.adequate === 1
          : taxonomy.taxonomy.adequateCountries.includes(country);
        if (current === adequate) return false;
        await store.setAdequacy(trx, {
          country,
          adequate: adequate ? 1 : 0,
          changed_by: by,
          changed_at: now,
        });
        await deps.outbox.enqueue(trx, [
          { id, type: 'access.adequacy.changed', record: { country, adequate, by, at: now } },
        ]);
        return true;
      });
      if (!changed) return { country, adequate, change: null };
      adequacyCache = undefined;
      const indexes = await deps.outbox.sequence([id]);
      return { country, adequate, change: { id, ledgerIndex: indexes.get(id) ?? null } };
    },

    /** For the outbox's write-back: copies the checks' ledger indexes in its transaction. */
    async onSequenced(
      trx: Kysely<AccessTables>,
      items: readonly { readonly id: string; readonly ledgerIndex: number }[],
    ) {
      const checks = items.filter((item) => item.id.startsWith('chk_'));
      if (checks.length > 0) await store.setLedgerIndexes(trx, checks);
    },
  };
}

/** The body as JSON, for the idempotency hash (undefined members dropped). */
function checkBody(input: CheckInput): JsonObject {
  return json({
    subject: input.subject,
    categories: [...input.categories],
    purpose: input.purpose,
    legalBasis: input.legalBasis,
    basisReference: input.basisReference,
    actor: json({ id: input.actor.id, iin: input.actor.iin }),
    action: input.action,
    recordCount: input.recordCount,
    recipient: recipientJson(input.recipient),
    country: input.country,
  });
}

const parse = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T);

/** What the calling system and staff see: the check as asked, with the actor's own id. */
function operatorView(row: AccessChecksTable) {
  return {
    ...citizenView(row),
    actor: { id: row.actor_id, code: row.actor_code, hasIin: row.actor_pseudonym !== null },
  };
}

/** What the citizen sees: the actor only as the operator's opaque code, never a name or an id. */
function citizenView(row: AccessChecksTable) {
  const recipient = parse<TransferRecipient>(row.recipient_json);
  return {
    checkId: row.id,
    at: row.at,
    systemId: row.system_id,
    operatorId: row.operator_id,
    actor: { code: row.actor_code },
    action: row.action as AccessAction,
    purpose: row.purpose,
    categories: JSON.parse(row.categories_json) as string[],
    legalBasis: row.legal_basis,
    ...(row.basis_reference !== null ? { basisReference: row.basis_reference } : {}),
    basis: JSON.parse(row.basis_json) as DecisionBasis,
    decision: row.decision,
    reasons: (JSON.parse(row.reasons_json) as AccessReason[]).map(reasonOut),
    ...(row.record_count !== null ? { recordCount: row.record_count } : {}),
    ...(recipient ? { recipient } : {}),
    ...(row.country !== null ? { country: row.country } : {}),
  };
}
