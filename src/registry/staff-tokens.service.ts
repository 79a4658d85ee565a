/**
 * Staff tokens: bearer credentials for the regulator, the monitoring centre and auditors where no
 * identity provider is configured, and for automation. Shown once, stored as a keyed hash,
 * revocable, optionally expiring; every issue and revocation is a change made through the
 * registry's one change runner (history row in the same transaction, then the ledger).
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { Principal, StaffRole } from '../http/access.js';
import type { RegistryDatabase } from './registry.tables.js';
import type { ChangeRunner } from './changes.js';
import { findStaffToken, insertStaffToken, revokeStaffTokenRow } from './credentials.store.js';
import { refuseIinInFreeText } from './free-text.js';
import { recordChange } from './history.js';
import type { Actor } from './registry.model.js';
import { issueSecret, parseSecret, secretMatches } from './secret-keys.js';

export interface StaffTokenDeps {
  readonly db: Kysely<RegistryDatabase>;
  readonly lookupKey: Buffer;
}

export function createStaffTokenService(deps: StaffTokenDeps, runner: ChangeRunner) {
  const { db, lookupKey } = deps;

  return {
    async issueStaffToken(
      role: StaffRole,
      name: string,
      actor: Actor,
      expiresAt: string | null = null,
    ): Promise<{ id: string; token: string }> {
      refuseIinInFreeText({ name });
      const result = await runner.change(async (trx, at) => {
        if (expiresAt !== null && expiresAt <= at) {
          throw new DomainError(
            'request.validation',
            `expiresAt must be in the future (now ${at}).`,
            {
              field: 'expiresAt',
            },
          );
        }
        const issued = issueSecret('st', lookupKey, Date.parse(at));
        await insertStaffToken(trx, {
          id: issued.id,
          role,
          name,
          secret_hash: issued.secretHash,
          created_at: at,
          expires_at: expiresAt,
          revoked_at: null,
        });
        const changeId = await recordChange(trx, {
          entity: 'staff-token',
          entityId: issued.id,
          subjectId: issued.id,
          action: 'issued',
          version: null,
          actor,
          snapshot: { id: issued.id, role, name, expiresAt },
          at,
        });
        return { record: { id: issued.id, token: issued.secret }, changeId };
      });
      return result.record;
    },

    async revokeStaffToken(id: string, actor: Actor): Promise<void> {
      await runner.change(async (trx, at) => {
        if (!(await revokeStaffTokenRow(trx, id, at)))
          throw new DomainError(
            'registry.credential_not_found',
            `There is no active staff token ${id}.`,
          );
        const changeId = await recordChange(trx, {
          entity: 'staff-token',
          entityId: id,
          subjectId: id,
          action: 'revoked',
          version: null,
          actor,
          snapshot: { id },
          at,
        });
        return { record: undefined, changeId };
      });
    },

    async authenticateStaffToken(presented: string): Promise<Principal | null> {
      const parsed = parseSecret(presented);
      if (!parsed || parsed.kind !== 'st') return null;
      const row = await findStaffToken(db, parsed.id);
      if (!row || !secretMatches(lookupKey, parsed.secretPart, row.secret_hash))
        throw new DomainError('auth.unauthenticated', 'The staff token is not valid.');
      if (row.revoked_at !== null)
        throw new DomainError('auth.unauthenticated', `Staff token ${row.id} was revoked.`);
      if (row.expires_at !== null && row.expires_at <= runner.now())
        throw new DomainError('auth.unauthenticated', `Staff token ${row.id} has expired.`);
      return { kind: 'staff', roles: [row.role], subject: row.id, name: row.name };
    },
  };
}
