/**
 * API keys of information systems: issue (shown once), rotate with a bounded overlap during which
 * both keys work, revoke (with the successors a key minted), revoke all, and authenticate under
 * the standing rule (standing.ts `decideKeyUse`). The key's rows are kept in memory while the
 * registry version holds (registry-cache.ts) and standing is evaluated at every call, so a
 * suspension or a revocation takes effect on the very next request. Each change goes through
 * the registry's one change runner (history row in the same transaction, then the ledger).
 */
import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { Principal } from '../http/access.js';
import type { RegistryDatabase } from './registry.tables.js';
import { type ChangeDeps, type ChangeRunner, createChangeRunner, type Trx } from './changes.js';
import {
  countLiveCredentials,
  credentialSnapshot,
  findCredential,
  findKeyFacts,
  findSystemStatus,
  insertCredential,
  listCredentials,
  rotationChain,
  toCredential,
  touchCredential,
  updateCredential,
} from './credentials.store.js';
import { refuseIinInFreeText } from './free-text.js';
import { recordChange } from './history.js';
import { describeActor, type Actor, type CredentialInfo } from './registry.model.js';
import { issueSecret, parseSecret, secretMatches } from './secret-keys.js';
import { createStaffTokenService } from './staff-tokens.service.js';
import { createVersionedCache } from './registry-cache.js';
import { decideKeyUse } from './standing.js';

/** Limits that stop a stolen key from keeping itself alive (settings; see config.ts). */
export interface KeyPolicy {
  /** Longest overlap a rotation may give the old key, in hours. */
  readonly maxOverlapHours: number;
  /** Most keys one system may have working at once (active, or expiring after a rotation). */
  readonly maxLiveKeys: number;
}

export const DEFAULT_KEY_POLICY: KeyPolicy = { maxOverlapHours: 168, maxLiveKeys: 3 };

export interface CredentialDeps extends ChangeDeps {
  readonly db: Kysely<RegistryDatabase>;
  readonly lookupKey: Buffer;
  readonly keyPolicy?: KeyPolicy | undefined;
}

type KeyFactsFound = NonNullable<Awaited<ReturnType<typeof findKeyFacts>>>;

export interface IssuedKey {
  readonly credential: CredentialInfo;
  /** The full key. It is not stored and cannot be shown again. */
  readonly apiKey: string;
}

/** How a request presented a key: the client certificate's SHA-256, and what the route accepts. */
export interface KeyPresentation {
  readonly clientCertSha256?: string | undefined;
  /** The route accepts a system not in standing (suspended, uncertified): the access checks. */
  readonly acceptsNotInStanding?: boolean | undefined;
}

export { credentialState } from './credentials.store.js';

export function createCredentialService(deps: CredentialDeps) {
  const { db, lookupKey } = deps;
  const policy = deps.keyPolicy ?? DEFAULT_KEY_POLICY;
  const runner: ChangeRunner = createChangeRunner(deps);
  // Presented keys with their system, operator and certificates, kept while the registry version
  // holds (registry-cache.ts): a revoked key or a suspension is seen by the next request. Unknown
  // ids are not kept, so guessing cannot fill the cache.
  const keyFacts = deps.version
    ? createVersionedCache<KeyFactsFound | undefined>(deps.version, (id) => findKeyFacts(db, id), {
        keep: (found) => found !== undefined,
      })
    : { get: (id: string) => findKeyFacts(db, id) };
  /** The minute each key's use was last recorded by this instance (the row is read from cache). */
  const touched = new Map<string, string>();

  async function requireSystem(trx: Kysely<RegistryDatabase>, systemId: string) {
    const system = await findSystemStatus(trx, systemId);
    if (!system)
      throw new DomainError(
        'registry.system_not_found',
        `There is no information system ${systemId}.`,
      );
    return system;
  }

  async function requireCredential(
    trx: Kysely<RegistryDatabase>,
    systemId: string,
    credentialId: string,
  ) {
    const row = await findCredential(trx, systemId, credentialId);
    if (!row)
      throw new DomainError(
        'registry.credential_not_found',
        `System ${systemId} has no API key ${credentialId}.`,
      );
    return row;
  }

  async function assertRoomForKeys(trx: Trx, systemId: string, adding: number, at: string) {
    const live = await countLiveCredentials(trx, systemId, at);
    if (live + adding > policy.maxLiveKeys) {
      throw new DomainError(
        'registry.too_many_keys',
        `System ${systemId} has ${live} working API key${live === 1 ? '' : 's'}; at most ${policy.maxLiveKeys} may work at once. Revoke one first.`,
        { liveKeys: live, maxLiveKeys: policy.maxLiveKeys },
      );
    }
  }

  async function insertKey(trx: Trx, systemId: string, label: string, actor: Actor, at: string) {
    const issued = issueSecret('sk', lookupKey, Date.parse(at));
    await insertCredential(trx, {
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
    });
    return issued;
  }

  /** Revokes the given rows (already known live) and records one change each. */
  async function revokeRows(
    trx: Trx,
    systemId: string,
    ids: readonly string[],
    reason: string,
    actor: Actor,
    at: string,
  ): Promise<{ revoked: CredentialInfo[]; changeIds: string[] }> {
    const revoked: CredentialInfo[] = [];
    const changeIds: string[] = [];
    for (const id of ids) {
      await updateCredential(trx, id, { revoked_at: at, revoked_reason: reason });
      const row = await requireCredential(trx, systemId, id);
      changeIds.push(
        await recordChange(trx, {
          entity: 'credential',
          entityId: id,
          subjectId: systemId,
          action: 'revoked',
          version: null,
          actor,
          reason,
          snapshot: credentialSnapshot(row, at),
          at,
        }),
      );
      revoked.push(toCredential(row, at));
    }
    return { revoked, changeIds };
  }

  return {
    ...createStaffTokenService(deps, runner),

    async issueKey(systemId: string, label: string, actor: Actor): Promise<IssuedKey> {
      refuseIinInFreeText({ label });
      const result = await runner.change(async (trx, at) => {
        const system = await requireSystem(trx, systemId);
        if (system.status === 'revoked')
          throw new DomainError(
            'registry.invalid_transition',
            `System ${systemId} is revoked; it cannot get keys.`,
          );
        await assertRoomForKeys(trx, systemId, 1, at);
        const issued = await insertKey(trx, systemId, label, actor, at);
        const row = await requireCredential(trx, systemId, issued.id);
        const changeId = await recordChange(trx, {
          entity: 'credential',
          entityId: issued.id,
          subjectId: systemId,
          action: 'issued',
          version: null,
          actor,
          snapshot: credentialSnapshot(row, at),
          at,
        });
        return { record: { credential: toCredential(row, at), apiKey: issued.secret }, changeId };
      });
      return result.record;
    },

    /**
     * Issues a successor; the old key keeps working for `overlapHours` (0 = stops now), at most
     * the policy's bound, and only while the system stays within its live-key limit.
     */
    async rotateKey(
      systemId: string,
      credentialId: string,
      overlapHours: number,
      actor: Actor,
    ): Promise<IssuedKey & { readonly previous: CredentialInfo }> {
      if (
        !Number.isInteger(overlapHours) ||
        overlapHours < 0 ||
        overlapHours > policy.maxOverlapHours
      ) {
        throw new DomainError(
          'request.validation',
          `overlapHours must be a whole number from 0 to ${policy.maxOverlapHours}.`,
          { field: 'overlapHours' },
        );
      }
      const result = await runner.change(async (trx, at) => {
        const old = await requireCredential(trx, systemId, credentialId);
        const state = toCredential(old, at).state;
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
        // The old key is live now; the successor adds one while the overlap lasts.
        await assertRoomForKeys(trx, systemId, overlapHours > 0 ? 1 : 0, at);
        const issued = await insertKey(trx, systemId, old.label, actor, at);
        const expiresAt = new Date(Date.parse(at) + overlapHours * 3_600_000).toISOString();
        await updateCredential(trx, credentialId, {
          expires_at: expiresAt,
          replaced_by: issued.id,
        });
        const previous = await requireCredential(trx, systemId, credentialId);
        const row = await requireCredential(trx, systemId, issued.id);
        const changeId = await recordChange(trx, {
          entity: 'credential',
          entityId: credentialId,
          subjectId: systemId,
          action: 'rotated',
          version: null,
          actor,
          snapshot: {
            previous: credentialSnapshot(previous, at),
            successor: credentialSnapshot(row, at),
          },
          at,
        });
        return {
          record: {
            credential: toCredential(row, at),
            apiKey: issued.secret,
            previous: toCredential(previous, at),
          },
          changeId,
        };
      });
      return result.record;
    },

    /**
     * Revokes a key at once, and with it every successor it minted by rotation: a leaked key
     * cannot have passed its life on to a key the thief holds.
     */
    async revokeKey(
      systemId: string,
      credentialId: string,
      reason: string,
      actor: Actor,
    ): Promise<CredentialInfo> {
      refuseIinInFreeText({ reason });
      const result = await runner.change(async (trx, at) => {
        const row = await requireCredential(trx, systemId, credentialId);
        if (row.revoked_at !== null)
          throw new DomainError(
            'registry.invalid_transition',
            `API key ${credentialId} is already revoked.`,
          );
        const chain = await rotationChain(trx, systemId, credentialId);
        const ids = chain.filter((key) => key.revoked_at === null).map((key) => key.id);
        const { revoked, changeIds } = await revokeRows(trx, systemId, ids, reason, actor, at);
        return { record: revoked[0]!, changeId: changeIds[0]! };
      });
      return result.record;
    },

    /** Revokes every key of a system that is not revoked yet (an incident response). */
    async revokeAllKeys(
      systemId: string,
      reason: string,
      actor: Actor,
    ): Promise<{
      revoked: CredentialInfo[];
      change: { id: string | null; ledgerIndex: number | null };
    }> {
      refuseIinInFreeText({ reason });
      const result = await runner.change(async (trx, at) => {
        await requireSystem(trx, systemId);
        const live = (await listCredentials(trx, systemId)).filter(
          (key) => key.revoked_at === null,
        );
        const { revoked, changeIds } = await revokeRows(
          trx,
          systemId,
          live.map((key) => key.id),
          reason,
          actor,
          at,
        );
        return { record: revoked, changeId: changeIds[0] ?? '' };
      });
      return {
        revoked: result.record,
        change: {
          id: result.changeId === '' ? null : result.changeId,
          ledgerIndex: result.changeId === '' ? null : result.ledgerIndex,
        },
      };
    },

    async listKeys(systemId: string): Promise<CredentialInfo[]> {
      await requireSystem(db, systemId);
      const at = runner.now();
      return (await listCredentials(db, systemId)).map((row) => toCredential(row, at));
    },

    /**
     * Authenticates a system API key. Returns null for a token that is not an API key (another
     * authenticator may know it); throws `auth.unauthenticated` (401) or `auth.forbidden` (403)
     * with the reason for a key that is ours but may not be used here, now (see decideKeyUse).
     */
    async authenticateKey(
      presented: string,
      presentation: KeyPresentation = {},
    ): Promise<Principal | null> {
      const parsed = parseSecret(presented);
      if (!parsed || parsed.kind !== 'sk') return null;
      const at = runner.now();
      const found = await keyFacts.get(parsed.id);
      // The same answer for an unknown id and a wrong secret: nothing to learn by probing.
      if (!found || !secretMatches(lookupKey, parsed.secretPart, found.secretHash)) {
        throw new DomainError('auth.unauthenticated', 'The API key is not valid.');
      }
      const use = decideKeyUse(
        found.facts(at, presentation.clientCertSha256),
        at,
        presentation.acceptsNotInStanding ?? false,
      );
      if (use.outcome === 'unauthenticated')
        throw new DomainError('auth.unauthenticated', use.detail);
      if (use.outcome === 'forbidden') throw new DomainError('auth.forbidden', use.detail);
      const minute = at.slice(0, 16);
      if (found.lastUsedAt?.slice(0, 16) !== minute && touched.get(found.row.id) !== minute) {
        if (touched.size >= 10_000) touched.clear();
        touched.set(found.row.id, minute);
        await touchCredential(db, found.row.id, at);
      }
      return {
        kind: 'system',
        systemId: found.row.system_id,
        operatorId: found.operatorId,
        credentialId: found.row.id,
        standing: { ok: use.standing.mayAct, reasons: use.standing.reasons },
      };
    },
  };
}

export type CredentialService = ReturnType<typeof createCredentialService>;
