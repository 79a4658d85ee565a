/**
 * API keys of information systems and tokens of staff: issue (shown once), rotate with an overlap
 * during which both keys work, revoke, and authenticate. A key works only while its system and
 * operator stand: suspending a system stops its keys on the very next request, because standing
 * is read with the key on every call rather than cached.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { Principal } from '../http/access.js';
import type { Database } from '../storage/database.js';
import { recordChange, type HistorySequencer } from './history.js';
import { describeActor, type Actor, type CredentialInfo } from './registry.model.js';
import type { CredentialsTable } from './registry.tables.js';
import { issueSecret, parseSecret, secretMatches } from './secret-keys.js';
import { createStaffTokenService } from './staff-tokens.service.js';
import { isSuspendedAt } from './standing.js';

export interface CredentialDeps {
  readonly db: Kysely<Database>;
  readonly lookupKey: Buffer;
  /** Absent in the CLI: changes then wait in the outbox for the server to sequence. */
  readonly history?: HistorySequencer | undefined;
  readonly clock: () => Date;
  /** Where a TLS-terminating proxy puts the client certificate's SHA-256 (only if trusted). */
  readonly clientCertHeader?: string | undefined;
  readonly onSequenceError?: (error: unknown) => void;
}

export interface IssuedKey {
  readonly credential: CredentialInfo;
  /** The full key. It is not stored and cannot be shown again. */
  readonly apiKey: string;
}

const MAX_OVERLAP_HOURS = 24 * 30;

export function credentialState(
  row: Pick<Selectable<CredentialsTable>, 'revoked_at' | 'expires_at'>,
  at: string,
): CredentialInfo['state'] {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null) return row.expires_at <= at ? 'expired' : 'expiring';
  return 'active';
}

function toCredential(row: Selectable<CredentialsTable>, at: string): CredentialInfo {
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

export function createCredentialService(deps: CredentialDeps) {
  const { db, lookupKey } = deps;
  const now = () => deps.clock().toISOString();

  async function sequence(): Promise<void> {
    try {
      await deps.history?.sequencePending();
    } catch (error) {
      deps.onSequenceError?.(error);
    }
  }

  async function requireSystemRow(trx: Kysely<Database>, systemId: string) {
    const system = await trx
      .selectFrom('systems')
      .select(['id', 'status'])
      .where('id', '=', systemId)
      .executeTakeFirst();
    if (!system)
      throw new DomainError(
        'registry.system_not_found',
        `There is no information system ${systemId}.`,
      );
    return system;
  }

  async function requireCredentialRow(
    trx: Kysely<Database>,
    systemId: string,
    credentialId: string,
  ) {
    const row = await trx
      .selectFrom('system_credentials')
      .selectAll()
      .where('id', '=', credentialId)
      .where('system_id', '=', systemId)
      .executeTakeFirst();
    if (!row)
      throw new DomainError(
        'registry.credential_not_found',
        `System ${systemId} has no API key ${credentialId}.`,
      );
    return row;
  }

  async function insertKey(
    trx: Kysely<Database>,
    systemId: string,
    label: string,
    actor: Actor,
    at: string,
  ) {
    const issued = issueSecret('sk', lookupKey, Date.parse(at));
    await trx
      .insertInto('system_credentials')
      .values({
        id: issued.id,
        system_id: systemId,
        display_prefix: issued.displayPrefix,
        secret_hash: issued.secretHash,
        label,
        created_at: at,
        created_by: describeActor(actor),
        expires_at: null,
        revoked_at: null,
        revoked_reason: null,
        last_used_at: null,
        replaced_by: null,
      })
      .execute();
    return issued;
  }

  const snapshotOf = (row: Selectable<CredentialsTable>, at: string) => {
    // The history and the ledger keep what the key was, never anything that could reconstruct it.
    const { secret_hash: _hash, ...rest } = row;
    return { ...rest, state: credentialState(row, at) };
  };

  return {
    ...createStaffTokenService(deps),

    async issueKey(systemId: string, label: string, actor: Actor): Promise<IssuedKey> {
      const at = now();
      const result = await db.transaction().execute(async (trx) => {
        const system = await requireSystemRow(trx, systemId);
        if (system.status === 'revoked')
          throw new DomainError(
            'registry.invalid_transition',
            `System ${systemId} is revoked; it cannot get keys.`,
          );
        const issued = await insertKey(trx, systemId, label, actor, at);
        const row = await requireCredentialRow(trx, systemId, issued.id);
        await recordChange(trx, {
          entity: 'credential',
          entityId: issued.id,
          subjectId: systemId,
          action: 'issued',
          version: null,
          actor,
          snapshot: snapshotOf(row, at),
          at,
        });
        return { credential: toCredential(row, at), apiKey: issued.secret };
      });
      await sequence();
      return result;
    },

    /** Issues a successor; the old key keeps working for `overlapHours` (0 = stops now). */
    async rotateKey(
      systemId: string,
      credentialId: string,
      overlapHours: number,
      actor: Actor,
    ): Promise<IssuedKey & { readonly previous: CredentialInfo }> {
      if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) {
        throw new DomainError(
          'request.validation',
          `overlapHours must be a whole number from 0 to ${MAX_OVERLAP_HOURS}.`,
          { field: 'overlapHours' },
        );
      }
      const at = now();
      const result = await db.transaction().execute(async (trx) => {
        const old = await requireCredentialRow(trx, systemId, credentialId);
        const state = credentialState(old, at);
        if (state === 'revoked' || state === 'expired')
          throw new DomainError(
            'registry.invalid_transition',
            `API key ${credentialId} is ${state}; issue a new key instead.`,
          );
        if (old.replaced_by !== null)
          throw new DomainError(
            'registry.invalid_transition',
            `API key ${credentialId} was already rotated to ${old.replaced_by}.`,
          );
        const issued = await insertKey(trx, systemId, old.label, actor, at);
        const expiresAt = new Date(Date.parse(at) + overlapHours * 3_600_000).toISOString();
        await trx
          .updateTable('system_credentials')
          .set({ expires_at: expiresAt, replaced_by: issued.id })
          .where('id', '=', credentialId)
          .execute();
        const previous = await requireCredentialRow(trx, systemId, credentialId);
        const row = await requireCredentialRow(trx, systemId, issued.id);
        await recordChange(trx, {
          entity: 'credential',
          entityId: credentialId,
          subjectId: systemId,
          action: 'rotated',
          version: null,
          actor,
          snapshot: { previous: snapshotOf(previous, at), successor: snapshotOf(row, at) },
          at,
        });
        return {
          credential: toCredential(row, at),
          apiKey: issued.secret,
          previous: toCredential(previous, at),
        };
      });
      await sequence();
      return result;
    },

    async revokeKey(
      systemId: string,
      credentialId: string,
      reason: string,
      actor: Actor,
    ): Promise<CredentialInfo> {
      const at = now();
      const result = await db.transaction().execute(async (trx) => {
        const row = await requireCredentialRow(trx, systemId, credentialId);
        if (row.revoked_at !== null)
          throw new DomainError(
            'registry.invalid_transition',
            `API key ${credentialId} is already revoked.`,
          );
        await trx
          .updateTable('system_credentials')
          .set({ revoked_at: at, revoked_reason: reason })
          .where('id', '=', credentialId)
          .execute();
        const revoked = await requireCredentialRow(trx, systemId, credentialId);
        await recordChange(trx, {
          entity: 'credential',
          entityId: credentialId,
          subjectId: systemId,
          action: 'revoked',
          version: null,
          actor,
          reason,
          snapshot: snapshotOf(revoked, at),
          at,
        });
        return toCredential(revoked, at);
      });
      await sequence();
      return result;
    },

    async listKeys(systemId: string): Promise<CredentialInfo[]> {
      await requireSystemRow(db, systemId);
      const at = now();
      const rows = await db
        .selectFrom('system_credentials')
        .selectAll()
        .where('system_id', '=', systemId)
        .orderBy('id')
        .execute();
      return rows.map((row) => toCredential(row, at));
    },

    /**
     * Authenticates a system API key. Returns null for a token that is not an API key (another
     * authenticator may know it); throws `auth.unauthenticated` with the reason for a key that is
     * ours but may not be used now.
     */
    async authenticateKey(presented: string, request?: FastifyRequest): Promise<Principal | null> {
      const parsed = parseSecret(presented);
      if (!parsed || parsed.kind !== 'sk') return null;
      const at = now();
      const row = await db
        .selectFrom('system_credentials')
        .innerJoin('systems', 'systems.id', 'system_credentials.system_id')
        .innerJoin('operators', 'operators.id', 'systems.operator_id')
        .selectAll('system_credentials')
        .select([
          'systems.status as system_status',
          'systems.suspended_until as system_suspended_until',
          'systems.client_cert_sha256 as client_cert_sha256',
          'systems.operator_id as operator_id',
          'operators.status as operator_status',
        ])
        .where('system_credentials.id', '=', parsed.id)
        .executeTakeFirst();
      // The same answer for an unknown id and a wrong secret: nothing to learn by probing.
      if (!row || !secretMatches(lookupKey, parsed.secretPart, row.secret_hash)) {
        throw new DomainError('auth.unauthenticated', 'The API key is not valid.');
      }
      const state = credentialState(row, at);
      if (state === 'revoked')
        throw new DomainError('auth.unauthenticated', `API key ${row.id} was revoked.`);
      if (state === 'expired')
        throw new DomainError(
          'auth.unauthenticated',
          `API key ${row.id} expired after rotation; use its successor.`,
        );
      if (row.system_status === 'revoked')
        throw new DomainError(
          'auth.unauthenticated',
          `System ${row.system_id} is revoked; its keys no longer work.`,
        );
      if (
        isSuspendedAt({ status: row.system_status, suspendedUntil: row.system_suspended_until }, at)
      ) {
        throw new DomainError(
          'auth.unauthenticated',
          `System ${row.system_id} is suspended; its keys do not work while it is.`,
        );
      }
      if (row.operator_status !== 'active')
        throw new DomainError(
          'auth.unauthenticated',
          `The operator of system ${row.system_id} is ${row.operator_status}.`,
        );
      if (row.client_cert_sha256 !== null) {
        const presentedCert = request
          ? clientCertificateSha256(request, deps.clientCertHeader)
          : undefined;
        if (presentedCert !== row.client_cert_sha256) {
          throw new DomainError(
            'auth.unauthenticated',
            `System ${row.system_id} must also present its registered client certificate.`,
          );
        }
      }
      // Recording use must never fail the request; it is advisory (shows stale keys to the regulator).
      if (row.last_used_at === null || row.last_used_at.slice(0, 16) !== at.slice(0, 16)) {
        await db
          .updateTable('system_credentials')
          .set({ last_used_at: at })
          .where('id', '=', row.id)
          .execute()
          .catch(() => undefined);
      }
      return {
        kind: 'system',
        systemId: row.system_id,
        operatorId: row.operator_id,
        credentialId: row.id,
      };
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;

/**
 * SHA-256 (hex) of the client certificate: from the TLS socket when the server terminates TLS,
 * otherwise from the configured header set by a trusted TLS-terminating proxy.
 */
export function clientCertificateSha256(
  request: FastifyRequest,
  header: string | undefined,
): string | undefined {
  const socket = request.raw.socket as {
    getPeerCertificate?: () => { fingerprint256?: string } | null;
  };
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  if (peer?.fingerprint256) return peer.fingerprint256.replaceAll(':', '').toLowerCase();
  if (!header) return undefined;
  const value = request.headers[header.toLowerCase()];
  return typeof value === 'string' && /^[0-9a-fA-F:]{64,95}$/.test(value)
    ? value.replaceAll(':', '').toLowerCase()
    : undefined;
}
