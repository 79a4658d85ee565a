import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { parseSecret } from './secret-keys.js';
import {
  bearer,
  operatorBody,
  registryHarness,
  systemBody,
  type RegistryHarness,
} from './test-support/registry-app.js';

/** The keyed hash, computed here independently of `hashSecret`: HMAC-SHA-256 under the lookup key. */
const keyedHash = (key: Buffer, secretPart: string) =>
  createHmac('sha256', key).update(`qalqan/api-secret/v1\n${secretPart}`).digest('hex');

describeStorage('API keys and staff tokens at rest', (fixture) => {
  const lookupKey = randomBytes(32);
  let h: RegistryHarness;
  beforeAll(async () => {
    h = await registryHarness(fixture.storage, { lookupKey });
  });
  afterAll(async () => {
    await h.close();
  });

  /** Every stored column of the row, as one string, to search for the secret in any form. */
  const dump = (row: object) => JSON.stringify(Object.values(row));

  it('stores an API key as a keyed hash of its secret: the secret is in no column', async () => {
    const regulator = bearer(h.tokens.regulator);
    const operator = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator,
      payload: operatorBody(),
    });
    expect(operator.statusCode, operator.body).toBe(201);
    const system = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator,
      payload: systemBody(operator.json<{ operator: { id: string } }>().operator.id),
    });
    expect(system.statusCode, system.body).toBe(201);
    const systemId = system.json<{ system: { id: string } }>().system.id;
    const issued = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${systemId}/keys`,
      headers: regulator,
      payload: { label: 'production' },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { apiKey, credential } = issued.json<{ apiKey: string; credential: { id: string } }>();
    const parsed = parseSecret(apiKey)!;
    expect(parsed.id).toBe(credential.id);

    const row = await fixture.storage.db
      .selectFrom('system_credentials')
      .selectAll()
      .where('id', '=', credential.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(keyedHash(lookupKey, parsed.secretPart));
    // Keyed: the plain SHA-256 of the secret (what a dump could be checked against) is not stored.
    expect(row.secret_hash).not.toBe(createHash('sha256').update(parsed.secretPart).digest('hex'));
    expect(dump(row)).not.toContain(parsed.secretPart);
    expect(dump(row)).not.toContain(apiKey);
    // And the key works: the stored hash is what authenticates it.
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(apiKey) })).statusCode,
    ).toBe(200);
  });

  it('stores a staff token as a keyed hash of its secret: the secret is in no column', async () => {
    const issued = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/staff-tokens',
      headers: bearer(h.tokens.regulator),
      payload: { role: 'auditor', name: 'External auditor' },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { id, token } = issued.json<{ id: string; token: string }>();
    const parsed = parseSecret(token)!;
    expect(parsed.id).toBe(id);

    const rows = await fixture.storage.db.selectFrom('staff_tokens').selectAll().execute();
    const row = rows.find((r) => r.id === id)!;
    expect(row.secret_hash).toBe(keyedHash(lookupKey, parsed.secretPart));
    for (const stored of rows) {
      expect(dump(stored)).not.toContain(parsed.secretPart);
      expect(dump(stored)).not.toContain(token);
    }
    // The harness's own tokens likewise: no stored row holds any issued secret.
    for (const other of Object.values(h.tokens)) {
      expect(JSON.stringify(rows)).not.toContain(parseSecret(other)!.secretPart);
    }
  });
});
