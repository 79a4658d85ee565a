import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  operatorBody,
  registryHarness,
  type RegistryHarness,
  systemBody,
} from '../../registry/test-support/registry-app.js';
import { parseJsonFile, toJsonExport } from '../../registry/registry-file.js';
import { createRegistryVersion } from '../../registry/registry-cache.js';
import { createRegistryReads } from '../../registry/registry.service.js';
import { listOperatorsWithSystems } from '../../registry/registry.store.js';
import { describeStorage } from '../test-support/storages.js';
import { dedupeLegalGrounds, up } from './20261205_2000_dedupe_legal_grounds.js';

const bureau = { identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' };
const aml = {
  basis: 'law',
  reference: 'AML law, art. 5',
  purposes: ['finance.kyc'],
  validUntil: null,
  recipients: [bureau],
};
// The same ground as a client may have sent it: its keys (and its recipient's) in another order.
const amlReordered = {
  recipients: [{ country: 'KZ', name: 'Credit Bureau', identifier: '150140012345' }],
  validUntil: null,
  purposes: ['finance.kyc'],
  reference: 'AML law, art. 5',
  basis: 'law',
};
const court = {
  basis: 'law',
  reference: 'Court order 7',
  purposes: ['finance.kyc'],
  validUntil: null,
};

describe('dedupeLegalGrounds', () => {
  it('leaves grounds without repeats alone (nothing to write)', () => {
    expect(dedupeLegalGrounds('[]')).toBeUndefined();
    expect(dedupeLegalGrounds(JSON.stringify([aml, court]))).toBeUndefined();
    // Not the same ground: validFrom null is not validFrom absent (the API tells them apart too).
    expect(dedupeLegalGrounds(JSON.stringify([court, { ...court, validFrom: null }]))).toBe(
      undefined,
    );
  });

  it('keeps the first of equal grounds where it was, whatever the key order', () => {
    expect(
      JSON.parse(dedupeLegalGrounds(JSON.stringify([aml, court, amlReordered, aml]))!),
    ).toEqual([aml, court]);
    // The first occurrence is kept as it was stored, key order included.
    expect(dedupeLegalGrounds(JSON.stringify([amlReordered, aml]))).toBe(
      JSON.stringify([amlReordered]),
    );
  });

  it('removes repeated purposes and recipients inside a ground, then grounds that became equal', () => {
    const repeated = {
      ...aml,
      purposes: ['finance.kyc', 'finance.credit-scoring', 'finance.kyc'],
      recipients: [bureau, { ...bureau, name: 'Other' }, { ...bureau }],
    };
    expect(JSON.parse(dedupeLegalGrounds(JSON.stringify([repeated]))!)).toEqual([
      {
        ...aml,
        purposes: ['finance.kyc', 'finance.credit-scoring'],
        recipients: [bureau, { ...bureau, name: 'Other' }],
      },
    ]);
    expect(
      JSON.parse(
        dedupeLegalGrounds(
          JSON.stringify([aml, { ...aml, purposes: ['finance.kyc', 'finance.kyc'] }]),
        )!,
      ),
    ).toEqual([aml]);
  });

  it('leaves text that is not a list of grounds as it is', () => {
    expect(dedupeLegalGrounds('not json')).toBeUndefined();
    expect(dedupeLegalGrounds('{"basis":"law"}')).toBeUndefined();
    expect(dedupeLegalGrounds('[1, 1, null]')).toBe('[1,null]');
  });
});

describeStorage('migration 20261205_2000: legal grounds without repeats', (fx) => {
  let h: RegistryHarness;
  const db = () => fx.storage.db as unknown as Kysely<unknown>;
  const regulator = () => bearer(h.tokens.regulator);
  beforeAll(async () => {
    h = await registryHarness(fx.storage);
  });
  afterAll(async () => {
    await h.close();
  });

  async function createSystem(operatorId: string, legalGrounds: unknown[]): Promise<string> {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator(),
      payload: systemBody(operatorId, { legalGrounds }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ system: { id: string } }>().system.id;
  }
  /** What a client does: read the system, change one field, send every field it may change back. */
  async function echoWithNewDescription(id: string) {
    const read = await h.app.inject({
      method: 'GET',
      url: `/v1/registry/systems/${id}`,
      headers: regulator(),
    });
    expect(read.statusCode, read.body).toBe(200);
    const system = read.json<Record<string, unknown>>();
    const editable = ['name', 'kind', 'purposes', 'categories', 'legalGrounds', 'hosting'];
    return h.app.inject({
      method: 'PATCH',
      url: `/v1/registry/systems/${id}`,
      headers: { ...regulator(), 'if-match': read.headers.etag as string },
      payload: {
        ...Object.fromEntries(editable.map((key) => [key, system[key]])),
        description: `${String(system.description)} (edited)`,
      },
    });
  }
  const row = async (id: string) =>
    (
      await sql<{ legal_grounds_json: string; version: number; updated_at: string }>`
        select legal_grounds_json, version, updated_at from systems where id = ${id}`.execute(db())
    ).rows[0]!;
  const registryVersion = async () =>
    Number(
      (
        await sql<{ version: number }>`select version from registry_version where id = 1`.execute(
          db(),
        )
      ).rows[0]!.version,
    );
  /** What `qalqan registry import` would make of the file `qalqan registry export` writes now. */
  const reimportProblems = async () =>
    parseJsonFile(
      toJsonExport(await listOperatorsWithSystems(fx.storage.db), '2026-12-05T20:00:00.000Z'),
    ).problems;
  const historyCount = async () =>
    Number(
      (await sql<{ n: number }>`select count(*) as n from registry_history`.execute(db())).rows[0]!
        .n,
    );

  it('rewrites the grounds the old code stored with repeats, only those, and a PATCH echoing the system back (or an export imported again) then succeeds', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody(),
    });
    const operatorId = created.json<{ operator: { id: string } }>().operator.id;
    const repeated = await createSystem(operatorId, [aml]);
    h.clock.advance(1000); // ids sort by time: the export lists the repeated system first
    const clean = await createSystem(operatorId, [aml, court]);
    // As the registry stored them before the lists became sets: a ground twice (once with its keys
    // in another order), and a purpose and a recipient twice inside a ground.
    const stored = [
      aml,
      court,
      amlReordered,
      { ...court, purposes: ['finance.kyc', 'finance.kyc'], recipients: [bureau, bureau] },
    ];
    await sql`update systems set legal_grounds_json = ${JSON.stringify(stored)}
      where id = ${repeated}`.execute(db());

    // Before: the system cannot be changed by sending back what it reads.
    const refused = await echoWithNewDescription(repeated);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'body', field: expect.stringMatching(/^legalGrounds\b/) as unknown }],
    });

    // The export, imported again, is refused for each repeat.
    expect((await reimportProblems()).map((problem) => problem.message)).toEqual([
      'systems.0.legalGrounds.3.purposes: must not have duplicate items',
      'systems.0.legalGrounds.3.recipients: must not have duplicate items',
      'systems.0.legalGrounds: must not have duplicate items',
    ]);

    // Another instance, already running, with the system's profile cached (repeats and all).
    const running = createRegistryReads(
      fx.storage.db,
      () => new Date('2026-12-05T20:00:00.000Z'),
      createRegistryVersion(fx.storage.db, { probeMs: 0 }),
    );
    const groundsSeen = async () => (await running.profileOf(repeated))!.grounds.length;
    expect(await groundsSeen()).toBe(5); // one entry per ground and purpose

    const before = { repeated: await row(repeated), clean: await row(clean) };
    const versionBefore = await registryVersion();
    const historyBefore = await historyCount();
    await up(db());

    const after = await row(repeated);
    expect(JSON.parse(after.legal_grounds_json)).toEqual([
      aml,
      court,
      { ...court, purposes: ['finance.kyc'], recipients: [bureau] },
    ]);
    // The same set of grounds: the system keeps its version, and no change is recorded for it.
    expect({ version: after.version, updatedAt: after.updated_at }).toEqual({
      version: before.repeated.version,
      updatedAt: before.repeated.updated_at,
    });
    expect(await historyCount()).toBe(historyBefore);
    expect(await row(clean)).toEqual(before.clean);
    // Cached profiles of instances already running are reloaded.
    expect(await registryVersion()).toBe(versionBefore + 1);
    expect(await groundsSeen()).toBe(3);
    // Run again, it finds nothing to change and touches nothing.
    await up(db());
    expect(await registryVersion()).toBe(versionBefore + 1);
    expect(await row(repeated)).toEqual(after);

    expect(await reimportProblems()).toEqual([]);
    const accepted = await echoWithNewDescription(repeated);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json<{ system: { legalGrounds: unknown[] } }>().system.legalGrounds).toEqual(
      JSON.parse(after.legal_grounds_json),
    );
  });
});
