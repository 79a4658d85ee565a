/** Operators: registration by BIN (or an individual entrepreneur's IIN), changes and status. */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import { operatorFreeText, refuseIinInFreeText } from './free-text.js';
import { checkBin, checkIin } from '../core/identifiers.js';
import { newId } from '../core/ids.js';
import type { Labels } from '../core/taxonomy.js';
import type { Secrets } from '../secrets/secrets.js';
import type { RegistryDatabase } from './registry.tables.js';
import {
  assertTransition,
  bumpVersion,
  type ChangeRunner,
  type Changed,
  checkEditable,
  logChange,
  requireOperator,
  statusAction,
  type Trx,
} from './changes.js';
import type { Actor, Contact, Operator, RecordStatus, Sector } from './registry.model.js';
import { findOperator, operatorSearchText } from './registry.store.js';

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

interface Identity {
  readonly kind: 'bin' | 'iin';
  readonly lookup: string;
  readonly sealed: string | null;
  readonly display: string;
}

export function createOperatorService(
  deps: {
    readonly db: Kysely<RegistryDatabase>;
    readonly secrets: Pick<Secrets, 'lookupKey' | 'fields'>;
  },
  runner: ChangeRunner,
) {
  const { db } = deps;

  function operatorIdentity(identifier: string): Identity {
    const bin = checkBin(identifier);
    if (bin.valid) return { kind: 'bin', lookup: identifier, sealed: null, display: identifier };
    const iin = checkIin(identifier);
    if (iin.valid) {
      // An individual entrepreneur is identified by an IIN: it is personal data, so it is kept
      // sealed and looked up by keyed hash like any other subject identifier.
      const lookup = createHmac('sha256', deps.secrets.lookupKey)
        .update('qalqan/operator-iin/v1\n')
        .update(identifier)
        .digest('hex');
      return {
        kind: 'iin',
        lookup,
        sealed: deps.secrets.fields.encrypt(identifier, `operators.identifier:${lookup}`),
        display: `${identifier.slice(0, 4)}********`,
      };
    }
    // Explain against the rule the number most resembles: digit 5 is 0–3 in an IIN, 4–6 in a BIN.
    const looksLikeBin = /^\d{4}[4-6]/.test(identifier);
    throw new DomainError(
      looksLikeBin ? 'core.invalid_bin' : 'core.invalid_iin',
      `identifier: ${looksLikeBin ? bin.message : iin.message}`,
      {
        field: 'identifier',
        reason: looksLikeBin ? bin.reason : iin.reason,
      },
    );
  }

  /** Registers an operator inside the caller's transaction (the import shares one). */
  async function createOperatorIn(
    trx: Trx,
    input: OperatorInput,
    actor: Actor,
    at: string,
  ): Promise<{ record: Operator; changeId: string }> {
    refuseIinInFreeText(operatorFreeText(input));
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
    return logChange(trx, 'operator', await requireOperator(trx, id), 'created', actor, at);
  }

  const api = {
    async createOperator(input: OperatorInput, actor: Actor): Promise<Changed<Operator>> {
      operatorIdentity(input.identifier);
      return runner.change((trx, at) => createOperatorIn(trx, input, actor, at));
    },

    async updateOperator(
      id: string,
      patch: OperatorPatch,
      expectedVersion: number | undefined,
      actor: Actor,
    ): Promise<Changed<Operator>> {
      refuseIinInFreeText(operatorFreeText(patch));
      return runner.change(async (trx, at) => {
        const current = await requireOperator(trx, id);
        checkEditable('operator', current, expectedVersion);
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
        return logChange(trx, 'operator', await requireOperator(trx, id), 'updated', actor, at);
      });
    },

    async setOperatorStatus(
      id: string,
      status: RecordStatus,
      reason: string,
      actor: Actor,
    ): Promise<Changed<Operator>> {
      refuseIinInFreeText({ reason });
      return runner.change(async (trx, at) => {
        const current = await requireOperator(trx, id);
        assertTransition('operator', id, current.status, status);
        await trx
          .updateTable('operators')
          .set({ status, status_reason: status === 'active' ? null : reason })
          .where('id', '=', id)
          .execute();
        await bumpVersion(trx, 'operators', id, current.version, at);
        return logChange(
          trx,
          'operator',
          await requireOperator(trx, id),
          statusAction(status),
          actor,
          at,
          reason,
        );
      });
    },

    getOperator: (id: string) => findOperator(db, id),
  };
  return { api, createOperatorIn };
}
