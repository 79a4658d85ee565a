/**
 * Guardianships (recorded by the regulator or imported) and the declared grounds on which a
 * withdrawal is refused. Both are ledger-recorded through the outbox. A guardianship ends by
 * itself when the child comes of age: the sweep closes it and tells the new adult, whose
 * consents stay in force until they change them.
 */
import { DomainError } from '../core/errors.js';
import { requireIinBirthDate } from '../core/identifiers.js';
import { newId } from '../core/ids.js';
import type { Labels, TaxonomyIndex } from '../core/taxonomy.js';
import type { ConsentOutbox, ConsentRegistry, ConsentSubjects } from './consent.ports.js';
import type { ConsentDb } from './consent.store.js';
import { labelFields, refuseIinInText } from './free-text.js';
import { isMinorOn, majorityDate, AGE_OF_MAJORITY } from './minors.js';

export const RELATIONS = ['parent', 'guardian', 'trustee'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface Guardianship {
  readonly id: string;
  readonly guardian: string;
  readonly child: string;
  readonly childBirthDate: string;
  readonly comesOfAgeOn: string;
  readonly relation: Relation;
  readonly reference: string;
  readonly createdAt: string;
  readonly endedAt: string | null;
}

export interface GuardianshipInput {
  readonly guardianIin: string;
  readonly childIin: string;
  readonly relation: Relation;
  readonly reference: string;
}

export interface WithdrawalGround {
  readonly id: string;
  readonly systemId: string;
  readonly purpose: string;
  readonly reason: Labels;
  readonly reference: string;
  readonly declaredBy: string;
  readonly declaredAt: string;
  readonly validUntil: string | null;
}

interface Deps {
  readonly db: ConsentDb;
  readonly outbox: ConsentOutbox;
  readonly subjects: ConsentSubjects;
  readonly registry: ConsentRegistry;
  readonly taxonomy: TaxonomyIndex;
  readonly clock: () => Date;
}

export const childNotFound = (id: string) =>
  new DomainError('consent.child_not_found', `There is no child ${id} in your care.`);

export function createGuardianService(deps: Deps) {
  const { db, outbox, clock } = deps;
  const now = () => clock().toISOString();

  /**
   * Every check of a guardianship from the two IINs alone (their birth dates), before anything
   * is stored: a refused guardianship, or an import with one bad record, registers no subject.
   */
  function checked(input: GuardianshipInput, at: string): void {
    if (!isMinorOn(requireIinBirthDate(input.childIin, 'childIin'), at))
      throw new DomainError(
        'consent.not_a_minor',
        `childIin: the child is ${AGE_OF_MAJORITY} or older.`,
        {
          field: 'childIin',
        },
      );
    if (isMinorOn(requireIinBirthDate(input.guardianIin, 'guardianIin'), at))
      throw new DomainError(
        'consent.invalid_request',
        'guardianIin: a guardian must be an adult.',
        {
          field: 'guardianIin',
        },
      );
    if (input.guardianIin === input.childIin)
      throw new DomainError(
        'consent.invalid_request',
        'guardianIin: a person cannot be their own guardian.',
        { field: 'guardianIin' },
      );
    refuseIinInText([['reference', input.reference]]);
  }

  /** Checks first, then registers the two subjects (the only writes before the guardianship's). */
  async function validated(input: GuardianshipInput, at: string) {
    checked(input, at);
    const child = await deps.subjects.subjectOf(input.childIin, 'childIin');
    const guardian = await deps.subjects.subjectOf(input.guardianIin, 'guardianIin');
    return { guardian, child };
  }

  async function record(
    input: GuardianshipInput,
    by: string,
  ): Promise<Guardianship & { ledgerIndex: number | null }> {
    const at = now();
    const { guardian, child } = await validated(input, at);
    const id = newId('gdn', clock().getTime());
    await db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('guardianships')
        .select('id')
        .where('guardian', '=', guardian.pseudonym)
        .where('child', '=', child.pseudonym)
        .executeTakeFirst();
      if (existing)
        throw new DomainError(
          'consent.guardianship_exists',
          `That guardianship is already recorded as ${existing.id}.`,
        );
      await trx
        .insertInto('guardianships')
        .values({
          id,
          guardian: guardian.pseudonym,
          child: child.pseudonym,
          child_birth_date: child.birthDate,
          relation: input.relation,
          reference: input.reference,
          created_at: at,
          created_by: by,
          ended_at: null,
          ended_reason: null,
        })
        .execute();
      const data = {
        guardianshipId: id,
        guardian: guardian.pseudonym,
        child: child.pseudonym,
        relation: input.relation,
        reference: input.reference,
        by,
      };
      await outbox.enqueue(trx, [
        {
          id,
          type: 'consent.guardianship-recorded',
          record: { ...data, at },
          event: { id, type: 'consent.guardianship-recorded', at, data },
        },
      ]);
    });
    const indexes = await outbox.sequence([id]);
    return {
      id,
      guardian: guardian.pseudonym,
      child: child.pseudonym,
      childBirthDate: child.birthDate,
      comesOfAgeOn: majorityDate(child.birthDate),
      relation: input.relation,
      reference: input.reference,
      createdAt: at,
      endedAt: null,
      ledgerIndex: indexes.get(id) ?? null,
    };
  }

  const toGuardianship = (row: {
    id: string;
    guardian: string;
    child: string;
    child_birth_date: string;
    relation: string;
    reference: string;
    created_at: string;
    ended_at: string | null;
  }): Guardianship => ({
    id: row.id,
    guardian: row.guardian,
    child: row.child,
    childBirthDate: row.child_birth_date,
    comesOfAgeOn: majorityDate(row.child_birth_date),
    relation: row.relation as Relation,
    reference: row.reference,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  });

  return {
    record,

    /** Imports many; each line validated first, so a file with an error stores nothing. */
    async importMany(inputs: readonly GuardianshipInput[], by: string) {
      const problems: string[] = [];
      const at = now();
      for (const [i, input] of inputs.entries()) {
        try {
          checked(input, at);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          problems.push(`record ${i + 1}: ${error.detail}`);
        }
      }
      if (problems.length > 0)
        throw new DomainError('consent.invalid_import', problems.join('\n'), { problems });
      let recorded = 0;
      let existing = 0;
      for (const input of inputs) {
        try {
          await record(input, by);
          recorded++;
        } catch (error) {
          if (error instanceof DomainError && error.code === 'consent.guardianship_exists')
            existing++;
          else throw error;
        }
      }
      return { recorded, existing };
    },

    /** The children a guardian acts for today (not those who have come of age). */
    async childrenOf(guardian: string): Promise<Guardianship[]> {
      const rows = await db
        .selectFrom('guardianships')
        .selectAll()
        .where('guardian', '=', guardian)
        .where('ended_at', 'is', null)
        .orderBy('id')
        .execute();
      const today = now().slice(0, 10);
      return rows.map(toGuardianship).filter((g) => isMinorOn(g.childBirthDate, today));
    },

    /**
     * The guardianship `childId` of this guardian; 404 for anyone else's. A child come of age is
     * a 403 that says so, not a 404: the guardian knew the child and should learn why.
     */
    async guardianshipFor(guardian: string, childId: string): Promise<Guardianship> {
      const row = await db
        .selectFrom('guardianships')
        .selectAll()
        .where('id', '=', childId)
        .where('guardian', '=', guardian)
        .executeTakeFirst();
      if (!row) throw childNotFound(childId);
      const guardianship = toGuardianship(row);
      if (row.ended_at !== null || !isMinorOn(row.child_birth_date, now()))
        throw new DomainError(
          'consent.guardian_right_ended',
          `The child came of age on ${guardianship.comesOfAgeOn}; they act for themselves now.`,
        );
      return guardianship;
    },

    /**
     * Closes guardianships of children who have come of age and tells the new adult (an event
     * for their inbox naming the consents that stay in force). Returns how many.
     */
    async endAtMajority(limit = 200): Promise<number> {
      const at = now();
      const today = at.slice(0, 10);
      const [y, m, d] = today.split('-') as [string, string, string];
      const bornOnOrBefore = `${Number(y) - AGE_OF_MAJORITY}-${m}-${d}`;
      const due = await db
        .selectFrom('guardianships')
        .selectAll()
        .where('ended_at', 'is', null)
        .where('child_birth_date', '<=', bornOnOrBefore)
        .limit(limit)
        .execute();
      let ended = 0;
      for (const row of due) {
        const eventId = newId('gde', clock().getTime());
        const done = await db.transaction().execute(async (trx) => {
          const closed = await trx
            .updateTable('guardianships')
            .set({ ended_at: at, ended_reason: 'came-of-age' })
            .where('id', '=', row.id)
            .where('ended_at', 'is', null)
            .executeTakeFirst();
          if (Number(closed.numUpdatedRows) !== 1) return false;
          const inForce = await trx
            .selectFrom('consents')
            .select('id')
            .where('subject', '=', row.child)
            .where('state', 'in', ['active', 'paused'])
            .execute();
          const data = {
            guardianshipId: row.id,
            subject: row.child,
            guardian: row.guardian,
            cameOfAgeOn: majorityDate(row.child_birth_date),
            consentsInForce: inForce.map((c) => c.id),
          };
          await outbox.enqueue(trx, [
            {
              id: eventId,
              type: 'consent.guardianship-ended',
              record: { ...data, at },
              event: { id: eventId, type: 'consent.subject-came-of-age', at, data },
            },
          ]);
          return true;
        });
        if (done) {
          await outbox.sequence([eventId]);
          ended++;
        }
      }
      return ended;
    },

    /** Declares grounds to refuse withdrawal for a purpose (system key or regulator). */
    async declareGround(
      systemId: string,
      input: { purpose: string; reason: Labels; reference: string; validUntil?: string },
      by: string,
    ): Promise<WithdrawalGround & { ledgerIndex: number | null }> {
      refuseIinInText([...labelFields('reason', input.reason), ['reference', input.reference]]);
      deps.taxonomy.requirePurposes([input.purpose], 'purpose');
      const system = await deps.registry.declaredOf(systemId);
      if (!system)
        throw new DomainError(
          'registry.system_not_found',
          `There is no information system ${systemId}.`,
        );
      if (!system.purposes.includes(input.purpose))
        throw new DomainError(
          'consent.purpose_not_declared',
          `purpose: '${input.purpose}' is not declared by system ${systemId} in the registry`,
          { field: 'purpose' },
        );
      const at = now();
      if (input.validUntil !== undefined && input.validUntil <= at)
        throw new DomainError('consent.invalid_request', 'validUntil must be in the future.', {
          field: 'validUntil',
        });
      const ground: WithdrawalGround = {
        id: newId('wgr', clock().getTime()),
        systemId,
        purpose: input.purpose,
        reason: input.reason,
        reference: input.reference,
        declaredBy: by,
        declaredAt: at,
        validUntil: input.validUntil ?? null,
      };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('withdrawal_grounds')
          .values({
            id: ground.id,
            system_id: systemId,
            operator_id: system.operatorId,
            purpose: ground.purpose,
            reason_json: JSON.stringify(ground.reason),
            reference: ground.reference,
            declared_by: by,
            declared_at: at,
            valid_until: ground.validUntil,
          })
          .execute();
        const data = {
          groundId: ground.id,
          systemId,
          operatorId: system.operatorId,
          purpose: ground.purpose,
          reason: { ...ground.reason },
          reference: ground.reference,
          validUntil: ground.validUntil,
          by,
        };
        await outbox.enqueue(trx, [
          {
            id: ground.id,
            type: 'consent.withdrawal-ground-declared',
            record: { ...data, at },
            event: { id: ground.id, type: 'consent.withdrawal-ground-declared', at, data },
          },
        ]);
      });
      const indexes = await outbox.sequence([ground.id]);
      return { ...ground, ledgerIndex: indexes.get(ground.id) ?? null };
    },

    async groundsOf(systemId: string): Promise<WithdrawalGround[]> {
      const rows = await db
        .selectFrom('withdrawal_grounds')
        .selectAll()
        .where('system_id', '=', systemId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        systemId: row.system_id,
        purpose: row.purpose,
        reason: JSON.parse(row.reason_json) as Labels,
        reference: row.reference,
        declaredBy: row.declared_by,
        declaredAt: row.declared_at,
        validUntil: row.valid_until,
      }));
    },
  };
}

export type GuardianService = ReturnType<typeof createGuardianService>;
