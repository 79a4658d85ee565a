/**
 * Staff tokens: bearer credentials for the regulator, the monitoring centre and auditors where no
 * identity provider is configured, and for automation. Shown once, stored as a keyed hash,
 * revocable, optionally expiring; every issue and revocation is a ledger-sequenced change.
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { Principal, StaffRole } from '../http/access.js';
import type { Database } from '../storage/database.js';
import { type HistorySequencer, recordChange } from './history.js';
import type { Actor } from './registry.model.js';
import { issueSecret, parseSecret, secretMatches } from './secret-keys.js';

export interface StaffTokenDeps {
  readonly db: Kysely<Database>;
  readonly lookupKey: Buffer;
  readonly history?: HistorySequencer | undefined;
  readonly clock: () => Date;
  readonly onSequenceError?: (error: unknown) => void;
}

export function createStaffTokenService(deps: StaffTokenDeps) {
  const { db, lookupKey } = deps;
  const now = () => deps.clock().toISOString();
  async function sequence(): Promise<void> {
    try {
      await deps.history?.sequencePending();
    } catch (error) {
      deps.onSequenceError?.(error);
    }
  }

  return {
    async issueStaffToken(
      role: StaffRole,
      name: string,
      actor: Actor,
      expiresAt: string | null = null,
    ): Promise<{ id: string; token: string }> {
      const at = now();
      const issued = issueSecret('st', lookupKey, Date.parse(at));
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('staff_tokens')
          .values({
            id: issued.id,
            role,
            name,
            secret_hash: issued.secretHash,
            created_at: at,
            expires_at: expiresAt,
            revoked_at: null,
          })
          .execute();
        await recordChange(trx, {
          entity: 'staff-token',
          entityId: issued.id,
          subjectId: issued.id,
          action: 'issued',
          version: null,
          actor,
          snapshot: { id: issued.id, role, name, expiresAt },
          at,
        });
      });
      await sequence();
      return { id: issued.id, token: issued.secret };
    },

    async revokeStaffToken(id: string, actor: Actor): Promise<void> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('staff_tokens')
          .set({ revoked_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1)
          throw new DomainError(
            'registry.credential_not_found',
            `There is no active staff token ${id}.`,
          );
        await recordChange(trx, {
          entity: 'staff-token',
          entityId: id,
          subjectId: id,
          action: 'revoked',
          version: null,
          actor,
          snapshot: { id },
          at,
        });
      });
      await sequence();
    },

    async authenticateStaffToken(presented: string): Promise<Principal | null> {
      const parsed = parseSecret(presented);
      if (!parsed || parsed.kind !== 'st') return null;
      const row = await db
        .selectFrom('staff_tokens')
        .selectAll()
        .where('id', '=', parsed.id)
        .executeTakeFirst();
      if (!row || !secretMatches(lookupKey, parsed.secretPart, row.secret_hash))
        throw new DomainError('auth.unauthenticated', 'The staff token is not valid.');
      if (row.revoked_at !== null)
        throw new DomainError('auth.unauthenticated', `Staff token ${row.id} was revoked.`);
      if (row.expires_at !== null && row.expires_at <= now())
        throw new DomainError('auth.unauthenticated', `Staff token ${row.id} has expired.`);
      return { kind: 'staff', roles: [row.role], subject: row.id, name: row.name };
    },
  };
}
