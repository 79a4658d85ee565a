/**
 * Registry logic: operators and information systems, their status, certification and history.
 * Each change is validated, written with its history row in one transaction, then its commitment
 * is sequenced into the transparency log before the caller is answered.
 */
import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DomainError } from '../core/errors.js';
import { checkBin, checkIin } from '../core/identifiers.js';
import { newId } from '../core/ids.js';
import type { Labels, TaxonomyIndex } from '../core/taxonomy.js';
import type { Secrets } from '../secrets/secrets.js';
import type { Database } from '../storage/database.js';
import { toFlag } from '../storage/dialect-types.js';
import { type HistorySequencer, ledgerIndexOf, recordChange } from './history.js';
import {
  describeActor,
  type Actor,
  type Certificate,
  type Contact,
  type InformationSystem,
  type Operator,
  type RecordStatus,
  type Sector,
} from './registry.model.js';
import {
  findOperator,
  findSystem,
  listCertificates,
  operatorSearchText,
  searchTextOf,
  toCertificate,
} from './registry.store.js';
import { evaluateStanding, type Standing } from './standing.js';
import {
  checkSystemConsistency,
  normaliseCertificateDates,
  type SystemInput,
  type SystemPatch,
} from './system-rules.js';

export interface RegistryDeps {
  readonly db: Kysely<Database>;
  readonly secrets: Pick<Secrets, 'lookupKey' | 'fields'>;
  readonly taxonomy: TaxonomyIndex;
  /**
   * Sequences committed changes into the ledger. Absent in tools that run beside a server (the
   * CLI import): their changes wait in the outbox and the server sequences them.
   */
  readonly history?: HistorySequencer | undefined;
  readonly clock: () => Date;
  /** Reports a failure to sequence (the change is kept and retried); defaults to ignoring. */
  readonly onSequenceError?: (error: unknown) => void;
}

export interface OperatorInput {
  readonly identifier: string;
  readonly name: Labels;
  readonly sector: Sector;
  readonly contact: Contact;
}

export interface OperatorPatch {
  readonly name?: Labels | undefined;
  readonly sector?: Sector | undefined;
  readonly contact?: Contact | undefined;
}

/** One operator of an import file with its systems, and where each came from (for the report). */
export interface ImportItem {
  readonly source: string;
  readonly operator: OperatorInput;
  readonly systems: readonly {
    readonly source: string;
    readonly system: Omit<SystemInput, 'operatorId'>;
  }[];
}

export interface ImportProblem {
  readonly source: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportReport {
  readonly operators: number;
  readonly systems: number;
  readonly problems: readonly ImportProblem[];
  /** True only when every row was valid and this was not a dry run. */
  readonly committed: boolean;
}

/** Thrown inside the import transaction to roll it back after a dry run or any row error. */
class RollBack extends Error {}

export interface CertificateInput {
  readonly number: string;
  readonly issuer: string;
  readonly scope: string;
  readonly validFrom: string;
  readonly validUntil: string;
}

/** A change's result: the record after it and where its commitment sits in the log. */
export interface Changed<T> {
  readonly record: T;
  readonly changeId: string;
  readonly ledgerIndex: number | null;
}

type Trx = Transaction<Database>;

export function createRegistryService(deps: RegistryDeps) {
  const { db, taxonomy } = deps;
  const now = () => deps.clock().toISOString();

  /** Commits `work` with its history, sequences it, and reports where it landed in the log. */
  async function change<T>(
    work: (trx: Trx, at: string) => Promise<{ record: T; changeId: string }>,
  ): Promise<Changed<T>> {
    const at = now();
    const { record, changeId } = await db.transaction().execute((trx) => work(trx, at));
    try {
      await deps.history?.sequencePending();
    } catch (error) {
      // The change is committed and stays in the outbox; the background drain retries it.
      deps.onSequenceError?.(error);
    }
    return { record, changeId, ledgerIndex: await ledgerIndexOf(db, changeId) };
  }

  function operatorIdentity(identifier: string): {
    kind: 'bin' | 'iin';
    lookup: string;
    sealed: string | null;
    display: string;
  } {
    const bin = checkBin(identifier);
    if (bin.valid) return { kind: 'bin', lookup: identifier, sealed: null, display: identifier };
    const iin = checkIin(identifier);
    if (iin.valid) {
      // An individual entrepreneur is identified by an IIN: it is personal data, so it is kept
      // sealed and looked up by keyed hash like any other subject identifier.
      const lookup = hmacHex(deps.secrets.lookupKey, identifier);
      return {
        kind: 'iin',
        lookup,
        sealed: deps.secrets.fields.encrypt(identifier, `operators.identifier:${lookup}`),
        display: `${identifier.slice(0, 4)}********`,
      };
    }
    // Explain against the rule the number most resembles: digit 5 is 0–3 in an IIN, 4–6 in a BIN.
    const looksLikeBin = /^\d{4}[4-6]/.test(identifier);
    const message = looksLikeBin ? bin.message : iin.message;
    throw new DomainError(
      looksLikeBin ? 'core.invalid_bin' : 'core.invalid_iin',
      `identifier: ${message}`,
      {
        field: 'identifier',
        reason: looksLikeBin ? bin.reason : iin.reason,
      },
    );
  }

  async function requireOperator(trx: Kysely<Database>, id: string): Promise<Operator> {
    const operator = await findOperator(trx, id);
    if (!operator)
      throw new DomainError('registry.operator_not_found', `There is no operator ${id}.`);
    return operator;
  }

  async function requireSystem(trx: Kysely<Database>, id: string): Promise<InformationSystem> {
    const system = await findSystem(trx, id);
    if (!system)
      throw new DomainError('registry.system_not_found', `There is no information system ${id}.`);
    return system;
  }

  function checkVersion(
    kind: string,
    id: string,
    current: number,
    expected: number | undefined,
  ): void {
    if (expected === undefined) {
      throw new DomainError(
        'storage.precondition_required',
        `Send If-Match with the version of ${kind} ${id} you read (current "${current}").`,
        {
          currentVersion: current,
        },
      );
    }
    if (expected !== current) {
      throw new DomainError(
        'storage.precondition_failed',
        `${kind} ${id} is at version ${current}, not ${expected}: read it again and reapply your change.`,
        {
          currentVersion: current,
        },
      );
    }
  }

  /** Updates a versioned row only if nobody changed it since it was read. */
  async function bumpVersion(
    trx: Trx,
    table: 'operators' | 'systems',
    id: string,
    version: number,
    at: string,
  ): Promise<void> {
    const result = await trx
      .updateTable(table)
      .set({ version: version + 1, updated_at: at })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new DomainError(
        'storage.conflict',
        `${table === 'operators' ? 'Operator' : 'System'} ${id} was changed at the same time; read it again.`,
      );
    }
  }

  async function createOperatorIn(
    trx: Trx,
    input: OperatorInput,
    actor: Actor,
    at: string,
  ): Promise<{ record: Operator; changeId: string }> {
    const identity = operatorIdentity(input.identifier);
    const existing = await trx
      .selectFrom('operators')
      .select('id')
      .where('identifier_lookup', '=', identity.lookup)
      .executeTakeFirst();
    if (existing) {
      throw new DomainError(
        'registry.duplicate',
        `An operator with this ${identity.kind.toUpperCase()} is already registered as ${existing.id}.`,
        {
          existingId: existing.id,
        },
      );
    }
    const id = newId('op', Date.parse(at));
    await trx
      .insertInto('operators')
      .values({
        id,
        identifier_kind: identity.kind,
        identifier_lookup: identity.lookup,
        identifier_sealed: identity.sealed,
        identifier_display: identity.display,
        name_kk: input.name.kk,
        name_ru: input.name.ru,
        name_en: input.name.en,
        sector: input.sector,
        contact_json: JSON.stringify(input.contact),
        search_text: operatorSearchText(input.name, identity.display),
        status: 'active',
        status_reason: null,
        version: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const record = await requireOperator(trx, id);
    const changeId = await recordChange(trx, {
      entity: 'operator',
      entityId: id,
      subjectId: id,
      action: 'created',
      version: 1,
      actor,
      snapshot: record,
      at,
    });
    return { record, changeId };
  }

  async function createSystemIn(
    trx: Trx,
    input: SystemInput,
    actor: Actor,
    at: string,
  ): Promise<{ record: InformationSystem; changeId: string }> {
    checkSystemConsistency(input, taxonomy);
    const operator = await requireOperator(trx, input.operatorId);
    if (operator.status !== 'active') {
      throw new DomainError(
        'registry.operator_inactive',
        `Operator ${operator.id} is ${operator.status}; it cannot register new systems.`,
      );
    }
    const duplicate = await trx
      .selectFrom('systems')
      .select('id')
      .where('operator_id', '=', input.operatorId)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (duplicate) {
      throw new DomainError(
        'registry.duplicate',
        `Operator ${input.operatorId} already has a system named '${input.name}' (${duplicate.id}).`,
        {
          existingId: duplicate.id,
        },
      );
    }
    const id = newId('sys', Date.parse(at));
    await trx
      .insertInto('systems')
      .values({
        id,
        operator_id: input.operatorId,
        ...systemColumns(input),
        status: 'active',
        status_reason: null,
        suspended_until: null,
        version: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const record = await requireSystem(trx, id);
    const changeId = await recordChange(trx, {
      entity: 'system',
      entityId: id,
      subjectId: id,
      action: 'created',
      version: 1,
      actor,
      snapshot: record,
      at,
    });
    return { record, changeId };
  }

  return {
    async createOperator(input: OperatorInput, actor: Actor): Promise<Changed<Operator>> {
      operatorIdentity(input.identifier);
      return change((trx, at) => createOperatorIn(trx, input, actor, at));
    },

    async updateOperator(
      id: string,
      patch: OperatorPatch,
      expectedVersion: number | undefined,
      actor: Actor,
    ): Promise<Changed<Operator>> {
      return change(async (trx, at) => {
        const current = await requireOperator(trx, id);
        checkVersion('operator', id, current.version, expectedVersion);
        if (current.status === 'revoked')
          throw new DomainError(
            'registry.invalid_transition',
            `Operator ${id} is revoked and can no longer be changed.`,
          );
        const name = patch.name ?? current.name;
        await trx
          .updateTable('operators')
          .set({
            name_kk: name.kk,
            name_ru: name.ru,
            name_en: name.en,
            sector: patch.sector ?? current.sector,
            contact_json: JSON.stringify(patch.contact ?? current.contact),
            search_text: operatorSearchText(name, current.identifier),
          })
          .where('id', '=', id)
          .execute();
        await bumpVersion(trx, 'operators', id, current.version, at);
        const record = await requireOperator(trx, id);
        const changeId = await recordChange(trx, {
          entity: 'operator',
          entityId: id,
          subjectId: id,
          action: 'updated',
          version: record.version,
          actor,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    async setOperatorStatus(
      id: string,
      status: RecordStatus,
      reason: string,
      actor: Actor,
    ): Promise<Changed<Operator>> {
      return change(async (trx, at) => {
        const current = await requireOperator(trx, id);
        assertTransition('operator', id, current.status, status);
        await trx
          .updateTable('operators')
          .set({ status, status_reason: status === 'active' ? null : reason })
          .where('id', '=', id)
          .execute();
        await bumpVersion(trx, 'operators', id, current.version, at);
        const record = await requireOperator(trx, id);
        const action = status === 'active' ? 'reinstated' : status;
        const changeId = await recordChange(trx, {
          entity: 'operator',
          entityId: id,
          subjectId: id,
          action,
          version: record.version,
          actor,
          reason,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    async createSystem(input: SystemInput, actor: Actor): Promise<Changed<InformationSystem>> {
      checkSystemConsistency(input, taxonomy);
      return change((trx, at) => createSystemIn(trx, input, actor, at));
    },

    async updateSystem(
      id: string,
      patch: SystemPatch,
      expectedVersion: number | undefined,
      actor: Actor,
    ): Promise<Changed<InformationSystem>> {
      return change(async (trx, at) => {
        const current = await requireSystem(trx, id);
        checkVersion('system', id, current.version, expectedVersion);
        if (current.status === 'revoked')
          throw new DomainError(
            'registry.invalid_transition',
            `System ${id} is revoked and can no longer be changed.`,
          );
        const merged: SystemInput = {
          operatorId: current.operatorId,
          name: patch.name ?? current.name,
          description: patch.description ?? current.description,
          kind: patch.kind ?? current.kind,
          purposes: patch.purposes ?? current.purposes,
          categories: patch.categories ?? current.categories,
          legalGrounds: patch.legalGrounds ?? current.legalGrounds,
          hosting: patch.hosting ?? current.hosting,
          connections: patch.connections ?? current.connections,
          trustStatus: patch.trustStatus ?? current.trustStatus,
          biometric: patch.biometric === undefined ? current.biometric : patch.biometric,
          clientCertSha256:
            patch.clientCertSha256 === undefined
              ? current.clientCertSha256
              : patch.clientCertSha256,
        };
        checkSystemConsistency(merged, taxonomy);
        if (merged.name !== current.name) {
          const duplicate = await trx
            .selectFrom('systems')
            .select('id')
            .where('operator_id', '=', current.operatorId)
            .where('name', '=', merged.name)
            .executeTakeFirst();
          if (duplicate)
            throw new DomainError(
              'registry.duplicate',
              `Operator ${current.operatorId} already has a system named '${merged.name}' (${duplicate.id}).`,
            );
        }
        await trx.updateTable('systems').set(systemColumns(merged)).where('id', '=', id).execute();
        await bumpVersion(trx, 'systems', id, current.version, at);
        const record = await requireSystem(trx, id);
        const changeId = await recordChange(trx, {
          entity: 'system',
          entityId: id,
          subjectId: id,
          action: 'updated',
          version: record.version,
          actor,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    async setSystemStatus(
      id: string,
      status: RecordStatus,
      reason: string,
      until: string | null,
      actor: Actor,
    ): Promise<Changed<InformationSystem>> {
      return change(async (trx, at) => {
        const current = await requireSystem(trx, id);
        assertTransition('system', id, current.status, status);
        if (until !== null && until <= at) {
          throw new DomainError('request.validation', `until must be in the future (now ${at}).`, {
            field: 'until',
          });
        }
        await trx
          .updateTable('systems')
          .set({
            status,
            status_reason: status === 'active' ? null : reason,
            suspended_until: status === 'suspended' ? until : null,
          })
          .where('id', '=', id)
          .execute();
        await bumpVersion(trx, 'systems', id, current.version, at);
        const record = await requireSystem(trx, id);
        const action = status === 'active' ? 'reinstated' : status;
        const changeId = await recordChange(trx, {
          entity: 'system',
          entityId: id,
          subjectId: id,
          action,
          version: record.version,
          actor,
          reason,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    async recordCertificate(
      systemId: string,
      input: CertificateInput,
      actor: Actor,
    ): Promise<Changed<Certificate>> {
      const { validFrom, validUntil } = normaliseCertificateDates(
        input.validFrom,
        input.validUntil,
      );
      return change(async (trx, at) => {
        const system = await requireSystem(trx, systemId);
        if (system.status === 'revoked')
          throw new DomainError(
            'registry.invalid_transition',
            `System ${systemId} is revoked; it cannot be certified.`,
          );
        const duplicate = await trx
          .selectFrom('system_certificates')
          .select('id')
          .where('issuer', '=', input.issuer)
          .where('number', '=', input.number)
          .executeTakeFirst();
        if (duplicate) {
          throw new DomainError(
            'registry.duplicate',
            `Certificate ${input.number} of ${input.issuer} is already recorded (${duplicate.id}).`,
            { existingId: duplicate.id },
          );
        }
        const id = newId('cert', Date.parse(at));
        await trx
          .insertInto('system_certificates')
          .values({
            id,
            system_id: systemId,
            number: input.number,
            issuer: input.issuer,
            scope: input.scope,
            valid_from: validFrom,
            valid_until: validUntil,
            recorded_at: at,
            recorded_by: describeActor(actor),
            withdrawn_at: null,
            withdrawn_reason: null,
          })
          .execute();
        const record = toCertificate(
          await trx
            .selectFrom('system_certificates')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirstOrThrow(),
        );
        const changeId = await recordChange(trx, {
          entity: 'certificate',
          entityId: id,
          subjectId: systemId,
          action: 'certified',
          version: null,
          actor,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    async withdrawCertificate(
      systemId: string,
      certificateId: string,
      reason: string,
      actor: Actor,
    ): Promise<Changed<Certificate>> {
      return change(async (trx, at) => {
        const row = await trx
          .selectFrom('system_certificates')
          .selectAll()
          .where('id', '=', certificateId)
          .where('system_id', '=', systemId)
          .executeTakeFirst();
        if (!row)
          throw new DomainError(
            'registry.certificate_not_found',
            `System ${systemId} has no certificate ${certificateId}.`,
          );
        if (row.withdrawn_at !== null)
          throw new DomainError(
            'registry.invalid_transition',
            `Certificate ${certificateId} was already withdrawn.`,
          );
        await trx
          .updateTable('system_certificates')
          .set({ withdrawn_at: at, withdrawn_reason: reason })
          .where('id', '=', certificateId)
          .execute();
        const record = toCertificate(
          await trx
            .selectFrom('system_certificates')
            .selectAll()
            .where('id', '=', certificateId)
            .executeTakeFirstOrThrow(),
        );
        const changeId = await recordChange(trx, {
          entity: 'certificate',
          entityId: certificateId,
          subjectId: systemId,
          action: 'withdrawn',
          version: null,
          actor,
          reason,
          snapshot: record,
          at,
        });
        return { record, changeId };
      });
    },

    /**
     * Imports operators and their systems all or nothing: every row is validated and written in
     * one transaction; if any row fails (or this is a dry run) the transaction is rolled back
     * and the report lists every failing row.
     */
    async importRecords(
      items: readonly ImportItem[],
      options: { dryRun: boolean },
      actor: Actor,
    ): Promise<ImportReport> {
      const problems: ImportProblem[] = [];
      let operators = 0;
      let systems = 0;
      const problem = (source: string, error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        problems.push({ source, code: error.code, message: error.detail });
      };
      try {
        await db.transaction().execute(async (trx) => {
          const at = now();
          for (const item of items) {
            let operatorId: string;
            try {
              operatorId = (await createOperatorIn(trx, item.operator, actor, at)).record.id;
              operators++;
            } catch (error) {
              problem(item.source, error);
              continue;
            }
            for (const { source, system } of item.systems) {
              try {
                await createSystemIn(trx, { ...system, operatorId }, actor, at);
                systems++;
              } catch (error) {
                problem(source, error);
              }
            }
          }
          if (problems.length > 0 || options.dryRun) throw new RollBack();
        });
      } catch (error) {
        if (!(error instanceof RollBack)) throw error;
      }
      const committed = problems.length === 0 && !options.dryRun;
      if (committed) {
        try {
          await deps.history?.sequencePending();
        } catch (error) {
          deps.onSequenceError?.(error);
        }
      }
      return { operators, systems, problems, committed };
    },

    getOperator: (id: string) => findOperator(db, id),
    getSystem: (id: string) => findSystem(db, id),
    certificatesOf: (systemId: string) => listCertificates(db, systemId),

    /**
     * May this system act now, and if not, why? The one question every access check asks.
     * @example const { mayAct, reasons } = await registry.standingOf('sys_01…');
     */
    async standingOf(systemId: string, at: Date = deps.clock()): Promise<Standing> {
      const system = await findSystem(db, systemId);
      const operator = system && (await findOperator(db, system.operatorId));
      const certificates = system?.kind === 'biometric' ? await listCertificates(db, systemId) : [];
      return evaluateStanding(system, operator, certificates, at.toISOString(), systemId);
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;

const TRANSITIONS: Record<RecordStatus, readonly RecordStatus[]> = {
  active: ['suspended', 'revoked'],
  suspended: ['active', 'suspended', 'revoked'],
  revoked: [],
};

function assertTransition(kind: string, id: string, from: RecordStatus, to: RecordStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    const verb = to === 'active' ? 'reinstated' : to;
    throw new DomainError(
      'registry.invalid_transition',
      `The ${kind} ${id} is ${from}; it cannot be ${verb}.`,
      { from, to },
    );
  }
}

function systemColumns(input: SystemInput) {
  return {
    name: input.name,
    description: input.description,
    kind: input.kind,
    purposes_json: JSON.stringify(input.purposes),
    categories_json: JSON.stringify(input.categories),
    legal_grounds_json: JSON.stringify(input.legalGrounds ?? []),
    hosting_country: input.hosting.country,
    data_centre: input.hosting.dataCentre,
    on_national_platform: toFlag(input.hosting.onNationalPlatform),
    access_control_connected_on: input.connections?.accessControlSince ?? null,
    soc_connected_on: input.connections?.socSince ?? null,
    trust_status: input.trustStatus ?? 'pending',
    biometric_json: input.biometric ? JSON.stringify(input.biometric) : null,
    client_cert_sha256: input.clientCertSha256 ?? null,
    search_text: searchTextOf(input.name, input.description),
  };
}

function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update('qalqan/operator-iin/v1\n').update(value).digest('hex');
}
