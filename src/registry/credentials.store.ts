/**
 * API keys and staff tokens in storage: every query on `system_credentials` and `staff_tokens`,
 * and the mapping of their rows. Secrets are never stored, only keyed hashes (secret-keys.ts).
 */
import type { Selectable } from 'kysely';
import type { Certificate, CredentialInfo } from './registry.model.js';
import { type Db, toCertificate } from './registry.store.js';
import type { KeyFacts } from './standing.js';
import type { CredentialsTable, StaffTokensTable } from './registry.tables.js';

export type CredentialRow = Selectable<CredentialsTable>;
export type StaffTokenRow = Selectable<StaffTokensTable>;

export function credentialState(
  row: Pick<CredentialRow, 'revoked_at' | 'expires_at'>,
  at: string,
): CredentialInfo['state'] {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null) return row.expires_at <= at ? 'expired' : 'expiring';
  return 'active';
}

export function toCredential(row: CredentialRow, at: string): CredentialInfo {
  return {
    id: row.id,
    systemId: row.system_id,
    prefix: row.display_prefix,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    state: credentialState(row, at),
  };
}

/** What the history and the ledger keep of a key: everything but its hash. */
export function credentialSnapshot(row: CredentialRow, at: string) {
  const { secret_hash: _hash, ...rest } = row;
  return { ...rest, state: credentialState(row, at) };
}

export async function findSystemStatus(
  db: Db,
  systemId: string,
): Promise<{ id: string; status: 'active' | 'suspended' | 'revoked' } | undefined> {
  return db
    .selectFrom('systems')
    .select(['id', 'status'])
    .where('id', '=', systemId)
    .executeTakeFirst();
}

export async function findCredential(
  db: Db,
  systemId: string,
  credentialId: string,
): Promise<CredentialRow | undefined> {
  return db
    .selectFrom('system_credentials')
    .selectAll()
    .where('id', '=', credentialId)
    .where('system_id', '=', systemId)
    .executeTakeFirst();
}

export async function insertCredential(db: Db, row: CredentialRow): Promise<void> {
  await db.insertInto('system_credentials').values(row).execute();
}

export async function updateCredential(
  db: Db,
  id: string,
  patch: Partial<
    Pick<CredentialRow, 'expires_at' | 'replaced_by' | 'revoked_at' | 'revoked_reason'>
  >,
): Promise<void> {
  await db.updateTable('system_credentials').set(patch).where('id', '=', id).execute();
}

export async function listCredentials(db: Db, systemId: string): Promise<CredentialRow[]> {
  return db
    .selectFrom('system_credentials')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('id')
    .execute();
}

/** Keys of a system that still work at `at`: not revoked, and not past a rotation's overlap. */
export async function countLiveCredentials(db: Db, systemId: string, at: string): Promise<number> {
  const row = await db
    .selectFrom('system_credentials')
    .select((eb) => eb.fn.countAll<number | string>().as('live'))
    .where('system_id', '=', systemId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .executeTakeFirstOrThrow();
  return Number(row.live);
}

/** The key and every successor minted from it by rotation, in order (the chain of `replaced_by`). */
export async function rotationChain(
  db: Db,
  systemId: string,
  credentialId: string,
): Promise<CredentialRow[]> {
  const chain: CredentialRow[] = [];
  const seen = new Set<string>();
  let next: string | null = credentialId;
  while (next !== null && !seen.has(next)) {
    seen.add(next);
    const row = await findCredential(db, systemId, next);
    if (!row) break;
    chain.push(row);
    next = row.replaced_by;
  }
  return chain;
}

/**
 * Everything the standing rule needs about a presented key, or undefined for an unknown key id:
 * the key row joined to its system and operator, and the live certificates of a biometric system.
 */
export async function findKeyFacts(
  db: Db,
  keyId: string,
): Promise<
  | {
      readonly secretHash: string;
      readonly lastUsedAt: string | null;
      readonly operatorId: string;
      readonly row: CredentialRow;
      readonly facts: (at: string, presentedCertSha256: string | undefined) => KeyFacts;
    }
  | undefined
> {
  const row = await db
    .selectFrom('system_credentials')
    .innerJoin('systems', 'systems.id', 'system_credentials.system_id')
    .innerJoin('operators', 'operators.id', 'systems.operator_id')
    .selectAll('system_credentials')
    .select([
      'systems.status as system_status',
      'systems.suspended_until as system_suspended_until',
      'systems.kind as system_kind',
      'systems.client_cert_sha256 as client_cert_sha256',
      'systems.operator_id as operator_id',
      'operators.status as operator_status',
    ])
    .where('system_credentials.id', '=', keyId)
    .executeTakeFirst();
  if (!row) return undefined;
  const certificates: Certificate[] =
    row.system_kind === 'biometric'
      ? (
          await db
            .selectFrom('system_certificates')
            .selectAll()
            .where('system_id', '=', row.system_id)
            .where('withdrawn_at', 'is', null)
            .execute()
        ).map(toCertificate)
      : [];
  const {
    system_status,
    system_suspended_until,
    system_kind,
    client_cert_sha256,
    operator_id,
    operator_status,
    ...credential
  } = row;
  return {
    secretHash: row.secret_hash,
    lastUsedAt: row.last_used_at,
    operatorId: operator_id,
    row: credential,
    facts: (at, presentedCertSha256) => ({
      keyId: row.id,
      keyState: credentialState(row, at),
      system: {
        id: row.system_id,
        status: system_status,
        suspendedUntil: system_suspended_until,
        kind: system_kind as KeyFacts['system']['kind'],
      },
      operator: { status: operator_status },
      certificates,
      registeredCertSha256: client_cert_sha256,
      presentedCertSha256,
    }),
  };
}

/** Records use at most once a minute; advisory, so a failure is ignored (shows stale keys). */
export async function touchCredential(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('system_credentials')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .execute()
    .catch(() => undefined);
}

export async function insertStaffToken(db: Db, row: StaffTokenRow): Promise<void> {
  await db.insertInto('staff_tokens').values(row).execute();
}

/** Revokes a live staff token; false when there is none with that id. */
export async function revokeStaffTokenRow(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('staff_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findStaffToken(db: Db, id: string): Promise<StaffTokenRow | undefined> {
  return db.selectFrom('staff_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}
