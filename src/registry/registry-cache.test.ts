/**
 * Credentials and profiles are kept in memory (registry-cache.ts), and every change still counts
 * at once: a revoked key, a suspension or a certificate's end on the next request of the same
 * instance, and on another instance sharing the database within a second — on SQLite (two
 * connections to one file) and on PostgreSQL (two pools on one schema).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFieldCipher } from '../secrets/field-cipher.js';
import { openStorage, type Storage } from '../storage/storage.js';
import { describeStorage, postgresUrl } from '../storage/test-support/storages.js';
import { createRegistryVersion } from './registry-cache.js';
import { createRegistryParts, type RegistryParts } from './registry.module.js';
import {
  biometricBody,
  operatorBody,
  recordingLedger,
  registryHarness,
  type RegistryHarness,
  systemBody,
} from './test-support/registry-app.js';

const actor = { kind: 'cli' as const, id: 'cache-test' };
const lenient = { acceptsNotInStanding: true };

describeStorage('registry cache', (fx) => {
  let h: RegistryHarness;
  const lookupKey = randomBytes(32);
  /** A second instance on the same database (its own connection or pool), on the real clock. */
  let otherStorage: Storage;
  let other: RegistryParts;

  beforeAll(async () => {
    h = await registryHarness(fx.storage, { lookupKey });
    if (fx.dialect === 'postgres') {
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(fx.storage.db))
        .rows[0]!.s;
      otherStorage = await openStorage({
        dataDir: fx.dataDir,
        databaseUrl: postgresUrl,
        schema,
        poolSize: 2,
      });
    } else otherStorage = await openStorage({ dataDir: fx.dataDir });
    other = createRegistryParts({
      db: otherStorage.db,
      secrets: { lookupKey, fields: createFieldCipher(randomBytes(32)) },
      ledger: recordingLedger(),
      clock: h.clock,
    });
  });
  afterAll(async () => {
    await otherStorage.close();
    await h.close();
  });

  async function newSystem(body: (operatorId: string) => Record<string, unknown> = systemBody) {
    const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
    const system = await h.registry.service.createSystem(body(operator.record.id) as never, actor);
    const key = await h.registry.credentials.issueKey(system.record.id, 'cache test', actor);
    return { systemId: system.record.id, apiKey: key.apiKey, keyId: key.credential.id };
  }

  const standingOf = async (registry: RegistryParts, apiKey: string) => {
    const principal = await registry.credentials.authenticateKey(apiKey, lenient);
    return principal?.kind === 'system' ? principal.standing : undefined;
  };
  const refusal = (registry: RegistryParts, apiKey: string) =>
    registry.credentials.authenticateKey(apiKey, lenient).then(
      () => null,
      (error: unknown) => error,
    );

  /** Polls until `seen()` holds; returns the milliseconds it took (fails after 3 s). */
  async function within(seen: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await seen())) {
      if (Date.now() - started > 3000) throw new Error('not seen within 3 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - started;
  }

  describe('on the same instance', () => {
    it('refuses a revoked key on the next request', async () => {
      const { systemId, apiKey, keyId } = await newSystem();
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      await h.registry.credentials.revokeKey(systemId, keyId, 'leaked', actor);
      expect(await refusal(h.registry, apiKey)).toMatchObject({ code: 'auth.unauthenticated' });
    });

    it('shows a suspension and a reinstatement on the next request, to the key and the profile', async () => {
      const { systemId, apiKey } = await newSystem();
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      expect((await h.registry.profileOf(systemId))!.standing.ok).toBe(true);
      await h.registry.service.setSystemStatus(systemId, 'suspended', 'audit', null, actor);
      expect(await standingOf(h.registry, apiKey)).toMatchObject({
        ok: false,
        reasons: [{ code: 'system.suspended' }],
      });
      expect((await h.registry.profileOf(systemId))!.standing.reasons[0]?.code).toBe(
        'system.suspended',
      );
      await h.registry.service.setSystemStatus(systemId, 'active', 'audit closed', null, actor);
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      expect((await h.registry.profileOf(systemId))!.standing.ok).toBe(true);
    });

    it("counts a certificate's end and a suspension's end at the request's instant, with no change", async () => {
      const { systemId, apiKey } = await newSystem(biometricBody);
      h.clock.set('2026-11-25T09:00:00.000Z');
      await h.registry.service.recordCertificate(
        systemId,
        {
          number: 'BIO-C',
          issuer: 'Certification body',
          scope: 'face',
          validFrom: '2026-01-01',
          validUntil: '2026-12-31',
        },
        actor,
      );
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      expect((await h.registry.profileOf(systemId))!.standing.ok).toBe(true);
      h.clock.set('2027-01-01T00:00:00.000Z');
      try {
        expect(await standingOf(h.registry, apiKey)).toMatchObject({
          ok: false,
          reasons: [{ code: 'biometric.certificate_expired' }],
        });
        expect((await h.registry.profileOf(systemId))!.standing.reasons[0]?.code).toBe(
          'biometric.certificate_expired',
        );
      } finally {
        h.clock.set('2026-11-25T09:00:00.000Z');
      }
      const { systemId: suspended, apiKey: suspendedKey } = await newSystem();
      await h.registry.service.setSystemStatus(
        suspended,
        'suspended',
        'for an hour',
        '2026-11-25T10:00:00.000Z',
        actor,
      );
      expect((await standingOf(h.registry, suspendedKey))?.ok).toBe(false);
      h.clock.set('2026-11-25T10:00:00.000Z');
      try {
        expect((await standingOf(h.registry, suspendedKey))?.ok).toBe(true);
        expect((await h.registry.profileOf(suspended))!.standing.ok).toBe(true);
      } finally {
        h.clock.set('2026-11-25T09:00:00.000Z');
      }
    });

    it('keeps what it read until the registry version moves (a row changed behind its back is not seen)', async () => {
      const { systemId, apiKey } = await newSystem();
      expect((await h.registry.profileOf(systemId))!.standing.ok).toBe(true);
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      // Not how the registry changes anything: no history, no version. Only the cache can hide it.
      await sql`update systems set status = 'suspended' where id = ${systemId}`.execute(
        fx.storage.db,
      );
      expect((await h.registry.profileOf(systemId))!.standing.ok).toBe(true);
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(true);
      await sql`update registry_version set version = version + 1 where id = 1`.execute(
        fx.storage.db,
      );
      await within(async () => !(await h.registry.profileOf(systemId))!.standing.ok);
      expect((await standingOf(h.registry, apiKey))?.ok).toBe(false);
      await h.registry.service.setSystemStatus(systemId, 'active', 'restored', null, actor);
    });
  });

  describe('on another instance sharing the database', () => {
    it('sees a suspension and a revoked key within one second', async () => {
      const { systemId, apiKey, keyId } = await newSystem();
      // The other instance has both in its cache.
      expect((await standingOf(other, apiKey))?.ok).toBe(true);
      expect((await other.profileOf(systemId))!.standing.ok).toBe(true);

      await h.registry.service.setSystemStatus(systemId, 'suspended', 'audit', null, actor);
      const suspended = await within(async () => (await standingOf(other, apiKey))?.ok === false);
      expect(suspended).toBeLessThan(1000);
      expect((await other.profileOf(systemId))!.standing.ok).toBe(false);

      await h.registry.credentials.revokeKey(systemId, keyId, 'leaked', actor);
      const revoked = await within(async () => (await refusal(other, apiKey)) !== null);
      expect(revoked).toBeLessThan(1000);
      expect(await refusal(other, apiKey)).toMatchObject({ code: 'auth.unauthenticated' });
    });

    it('sees a withdrawn certificate within one second', async () => {
      const { systemId, apiKey } = await newSystem(biometricBody);
      const certificate = await h.registry.service.recordCertificate(
        systemId,
        {
          number: 'BIO-W',
          issuer: 'Certification body',
          scope: 'face',
          validFrom: '2026-01-01',
          validUntil: '2026-12-31',
        },
        actor,
      );
      expect((await standingOf(other, apiKey))?.ok).toBe(true);
      await h.registry.service.withdrawCertificate(
        systemId,
        certificate.record.id,
        'revoked by the certification body',
        actor,
      );
      const seen = await within(async () => (await standingOf(other, apiKey))?.ok === false);
      expect(seen).toBeLessThan(1000);
      expect((await other.profileOf(systemId))!.standing.reasons[0]?.code).toBe(
        'biometric.certificate_missing',
      );
    });
  });
});

describe('createRegistryVersion', () => {
  /** A database whose version reads the test answers one by one, in any order. */
  function heldReads() {
    const reads: ((version: number) => void)[] = [];
    const db = {
      selectFrom: () => ({
        select: () => ({
          where: () => ({
            executeTakeFirst: () =>
              new Promise<{ version: number }>((resolve) => {
                reads.push((version) => resolve({ version }));
              }),
          }),
        }),
      }),
    };
    return { db: db as never, reads };
  }

  it('a lookup after a change does not share a read started before it, nor does that read win later', async () => {
    const { db, reads } = heldReads();
    const version = createRegistryVersion(db, { probeMs: 60_000 });
    const before = version.current();
    expect(reads).toHaveLength(1);
    // A revocation commits (version 2) while that read is out, maybe already past the row.
    version.changed();
    const after = version.current();
    expect(reads).toHaveLength(2);
    reads[1]!(2);
    expect(await after).toBe(2);
    reads[0]!(1);
    expect(await before).toBe(1);
    // The older answer, arriving last, does not replace the newer one.
    expect(await version.current()).toBe(2);
    expect(reads).toHaveLength(2);
  });

  it('lookups with no change between them share one read', async () => {
    const { db, reads } = heldReads();
    const version = createRegistryVersion(db, { probeMs: 60_000 });
    const first = version.current();
    const second = version.current();
    expect(reads).toHaveLength(1);
    reads[0]!(7);
    expect([await first, await second]).toEqual([7, 7]);
    expect(await version.current()).toBe(7);
    expect(reads).toHaveLength(1);
  });
});
