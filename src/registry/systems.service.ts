/** Information systems: registration, changes, status, certification and standing. */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import { refuseIinInFreeText, systemFreeText } from './free-text.js';
import { newId } from '../core/ids.js';
import type { TaxonomyIndex } from '../core/taxonomy.js';
import type { RegistryDatabase } from './registry.tables.js';
import { toFlag } from '../storage/dialect-types.js';
import {
  assertTransition,
  bumpVersion,
  type ChangeRunner,
  type Changed,
  checkEditable,
  logChange,
  requireOperator,
  requireSystem,
  statusAction,
  type Trx,
} from './changes.js';
import { recordChange } from './history.js';
import {
  describeActor,
  type Actor,
  type Certificate,
  type InformationSystem,
  type RecordStatus,
} from './registry.model.js';
import {
  findOperator,
  findSystem,
  listCertificates,
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

export interface CertificateInput {
  readonly number: string;
  readonly issuer: string;
  readonly scope: string;
  readonly validFrom: string;
  readonly validUntil: string;
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

async function assertSystemNameFree(
  trx: Kysely<RegistryDatabase>,
  operatorId: string,
  name: string,
): Promise<void> {
  const duplicate = await trx
    .selectFrom('systems')
    .select('id')
    .where('operator_id', '=', operatorId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (duplicate) {
    throw new DomainError(
      'registry.duplicate',
      `Operator ${operatorId} already has a system named '${name}' (${duplicate.id}).`,
      {
        existingId: duplicate.id,
      },
    );
  }
}

async function readCertificate(trx: Kysely<RegistryDatabase>, id: string): Promise<Certificate> {
  return toCertificate(
    await trx
      .selectFrom('system_certificates')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
  );
}

export function createSystemService(
  deps: {
    readonly db: Kysely<RegistryDatabase>;
    readonly taxonomy: TaxonomyIndex;
    readonly clock: () => Date;
  },
  runner: ChangeRunner,
) {
  const { db, taxonomy } = deps;

  /** Registers a system inside the caller's transaction (the import shares one). */
  async function createSystemIn(
    trx: Trx,
    input: SystemInput,
    actor: Actor,
    at: string,
  ): Promise<{ record: InformationSystem; changeId: string }> {
    checkSystemConsistency(input, taxonomy);
    refuseIinInFreeText(systemFreeText(input));
    const operator = await requireOperator(trx, input.operatorId);
    if (operator.status !== 'active') {
      throw new DomainError(
        'registry.operator_inactive',
        `Operator ${operator.id} is ${operator.status}; it cannot register new systems.`,
      );
    }
    await assertSystemNameFree(trx, input.operatorId, input.name);
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
    return logChange(trx, 'system', await requireSystem(trx, id), 'created', actor, at);
  }

  const api = {
    async createSystem(input: SystemInput, actor: Actor): Promise<Changed<InformationSystem>> {
      checkSystemConsistency(input, taxonomy);
      return runner.change((trx, at) => createSystemIn(trx, input, actor, at));
    },

    async updateSystem(
      id: string,
      patch: SystemPatch,
      expectedVersion: number | undefined,
      actor: Actor,
    ): Promise<Changed<InformationSystem>> {
      return runner.change(async (trx, at) => {
        const current = await requireSystem(trx, id);
        checkEditable('system', current, expectedVersion);
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
        refuseIinInFreeText(systemFreeText(patch));
        if (merged.name !== current.name)
          await assertSystemNameFree(trx, current.operatorId, merged.name);
        await trx.updateTable('systems').set(systemColumns(merged)).where('id', '=', id).execute();
        await bumpVersion(trx, 'systems', id, current.version, at);
        return logChange(trx, 'system', await requireSystem(trx, id), 'updated', actor, at);
      });
    },

    async setSystemStatus(
      id: string,
      status: RecordStatus,
      reason: string,
      until: string | null,
      actor: Actor,
    ): Promise<Changed<InformationSystem>> {
      refuseIinInFreeText({ reason });
      return runner.change(async (trx, at) => {
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
        return logChange(
          trx,
          'system',
          await requireSystem(trx, id),
          statusAction(status),
          actor,
          at,
          reason,
        );
      });
    },

    async recordCertificate(
      systemId: string,
      input: CertificateInput,
      actor: Actor,
    ): Promise<Changed<Certificate>> {
      refuseIinInFreeText({ number: input.number, issuer: input.issuer, scope: input.scope });
      const { validFrom, validUntil } = normaliseCertificateDates(
        input.validFrom,
        input.validUntil,
      );
      return runner.change(async (trx, at) => {
        const system = await requireSystem(trx, systemId);
        if (system.status === 'revoked') {
          throw new DomainError(
            'registry.invalid_transition',
            `System ${systemId} is revoked; it cannot be certified.`,
          );
        }
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
            {
              existingId: duplicate.id,
            },
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
        const record = await readCertificate(trx, id);
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
      refuseIinInFreeText({ reason });
      return runner.change(async (trx, at) => {
        const row = await trx
          .selectFrom('system_certificates')
          .select('withdrawn_at')
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
        const record = await readCertificate(trx, certificateId);
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
  return { api, createSystemIn };
}
