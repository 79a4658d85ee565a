import { afterAll, beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../core/identifiers.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  bearer,
  biometricBody,
  nextBin,
  operatorBody,
  registryHarness,
  type RegistryHarness,
  systemBody,
} from './test-support/registry-app.js';

describeStorage('registry API', (fx) => {
  let h: RegistryHarness;
  beforeAll(async () => {
    h = await registryHarness(fx.storage);
  });
  afterAll(async () => {
    await h.close();
  });

  const regulator = () => bearer(h.tokens.regulator);
  async function createOperator(overrides: Record<string, unknown> = {}) {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody(overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{
      operator: { id: string; version: number };
      change: { id: string; ledgerIndex: number | null };
    }>();
  }
  async function createSystem(body: Record<string, unknown>) {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator(),
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{
      system: { id: string; version: number; operatorId: string };
      change: { ledgerIndex: number | null };
    }>().system;
  }
  async function issueKey(systemId: string) {
    const response = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${systemId}/keys`,
      headers: regulator(),
      payload: { label: 'production' },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ apiKey: string; credential: { id: string; prefix: string } }>();
  }

  it('registers an operator, writes its history and puts the change in the ledger', async () => {
    const before = h.ledgerEntries.length;
    const { operator, change } = await createOperator();
    expect(operator).toMatchObject({
      identifierKind: 'bin',
      status: 'active',
      version: 1,
      name: { en: 'Senim Bank JSC' },
    });
    expect(change.ledgerIndex).toBe(before);
    expect(h.ledgerEntries[before]).toMatchObject({
      type: 'registry.operator.created',
      record: { entityId: operator.id, action: 'created' },
    });
    const history = await h.app.inject({
      url: `/v1/registry/operators/${operator.id}/history`,
      headers: bearer(h.tokens.auditor),
    });
    expect(history.json()).toMatchObject({
      items: [
        {
          action: 'created',
          entityId: operator.id,
          ledgerIndex: before,
          actor: expect.stringMatching(/^staff:regulator:stt_/),
        },
      ],
    });
  });

  it('an individual entrepreneur is registered by IIN, which is stored sealed and shown masked', async () => {
    const iin = withCheckDigit('88030240123') ?? withCheckDigit('88030240124')!;
    const { operator } = await createOperator({ identifier: iin, sector: 'retail' });
    expect(operator).toMatchObject({ identifierKind: 'iin' });
    const read = await h.app.inject({
      url: `/v1/registry/operators/${operator.id}`,
      headers: regulator(),
    });
    expect(read.json<{ identifier: string }>().identifier).toBe(`${iin.slice(0, 4)}********`);
    const row = await fx.storage.db
      .selectFrom('operators')
      .selectAll()
      .where('id', '=', operator.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(iin);
    const history = await fx.storage.db
      .selectFrom('registry_history')
      .select('snapshot_json')
      .where('subject_id', '=', operator.id)
      .execute();
    expect(JSON.stringify(history)).not.toContain(iin);
  });

  it('refuses invalid and duplicate identifiers precisely', async () => {
    const badBin = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody({ identifier: '940140000386' }),
    });
    expect(badBin.statusCode).toBe(400);
    expect(badBin.json()).toMatchObject({
      code: 'core.invalid_bin',
      reason: 'checksum',
      detail: 'identifier: BIN check digit is 6, expected 5',
    });
    const badIin = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody({ identifier: '901315201238' }),
    });
    expect(badIin.json()).toMatchObject({ code: 'core.invalid_iin', reason: 'date' });
    const { operator } = await createOperator({ identifier: '940140000385' });
    const duplicate = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody({ identifier: '940140000385' }),
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'registry.duplicate', existingId: operator.id });
    const badEmail = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/operators',
      headers: regulator(),
      payload: operatorBody({
        contact: { name: 'A', position: 'B', email: 'not-an-email', phone: '+77010000000' },
      }),
    });
    expect(badEmail.json()).toMatchObject({
      code: 'request.validation',
      detail: expect.stringContaining('contact.email'),
    });
  });

  it('registers systems with precise 4xx for unknown purposes, categories, countries and inconsistencies', async () => {
    const { operator } = await createOperator();
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { purposes: ['finance.credit-scoring', 'fortune-telling'] },
        'core.unknown_purpose',
        "purposes: unknown purpose 'fortune-telling'",
      ],
      [
        { categories: ['identity', 'horoscope'] },
        'core.unknown_category',
        "categories: unknown data category 'horoscope'",
      ],
      [
        { hosting: { country: 'XK', dataCentre: 'Somewhere', onNationalPlatform: false } },
        'core.unknown_country',
        "hosting.country: 'XK' is not an ISO 3166-1 alpha-2 country code",
      ],
      [
        { categories: ['identity', 'health'] },
        'registry.invalid_system',
        "categories: 'health' not allowed for any declared purpose (finance.credit-scoring, finance.kyc)",
      ],
      [
        { kind: 'biometric' },
        'registry.invalid_system',
        'biometric: a biometric system must describe its modalities, locations, vendor and template storage',
      ],
    ];
    for (const [overrides, code, detail] of cases) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/v1/registry/systems',
        headers: regulator(),
        payload: systemBody(operator.id, overrides),
      });
      expect(response.statusCode, JSON.stringify(overrides)).toBe(400);
      expect(response.json()).toMatchObject({ code, detail });
    }
    const unknownOperator = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator(),
      payload: systemBody('op_01JDZZZZZZZZZZZZZZZZZZZZZZ'),
    });
    expect(unknownOperator.statusCode).toBe(404);
    const created = await createSystem(systemBody(operator.id, { name: 'Core banking' }));
    const duplicate = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator(),
      payload: systemBody(operator.id, { name: 'Core banking' }),
    });
    expect(duplicate.json()).toMatchObject({
      status: 409,
      code: 'registry.duplicate',
      existingId: created.id,
    });
  });

  it('a purpose, category, legal ground or recipient declared twice is a 400 naming the list, on create and on change', async () => {
    const { operator } = await createOperator();
    const ground = {
      basis: 'law',
      reference: 'AML law, art. 5',
      purposes: ['finance.kyc'],
      validUntil: null,
      recipients: [{ identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' }],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ purposes: ['finance.kyc', 'finance.credit-scoring', 'finance.kyc'] }, 'purposes'],
      [{ categories: ['identity', 'identity'] }, 'categories'],
      [{ legalGrounds: [ground, { ...ground }] }, 'legalGrounds'],
      [
        { legalGrounds: [{ ...ground, purposes: ['finance.kyc', 'finance.kyc'] }] },
        'legalGrounds.0.purposes',
      ],
      [
        { legalGrounds: [{ ...ground, recipients: [...ground.recipients, ...ground.recipients] }] },
        'legalGrounds.0.recipients',
      ],
    ];
    const systemsBefore = await fx.storage.db.selectFrom('systems').select('id').execute();
    for (const [overrides, field] of cases) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/v1/registry/systems',
        headers: regulator(),
        payload: systemBody(operator.id, overrides),
      });
      expect(response.statusCode, field).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'request.validation',
        errors: [{ in: 'body', field }],
      });
    }
    expect(await fx.storage.db.selectFrom('systems').select('id').execute()).toEqual(systemsBefore);
    // The same on a change: the system keeps what it declared.
    const created = await createSystem(systemBody(operator.id, { legalGrounds: [ground] }));
    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/v1/registry/systems/${created.id}`,
      headers: { ...regulator(), 'if-match': `"${created.version}"` },
      payload: { categories: ['identity', 'financial', 'identity'] },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json()).toMatchObject({ errors: [{ in: 'body', field: 'categories' }] });
  });

  it('optimistic concurrency: If-Match required, stale versions refused, no change lost', async () => {
    const { operator } = await createOperator();
    const url = `/v1/registry/operators/${operator.id}`;
    const missing = await h.app.inject({
      method: 'PATCH',
      url,
      headers: regulator(),
      payload: { sector: 'microfinance' },
    });
    expect(missing.statusCode).toBe(428);
    expect(missing.json()).toMatchObject({
      code: 'storage.precondition_required',
      currentVersion: 1,
    });
    const read = await h.app.inject({ url, headers: regulator() });
    expect(read.headers.etag).toBe('"1"');
    const [a, b] = await Promise.all([
      h.app.inject({
        method: 'PATCH',
        url,
        headers: { ...regulator(), 'if-match': '"1"' },
        payload: { sector: 'microfinance' },
      }),
      h.app.inject({
        method: 'PATCH',
        url,
        headers: { ...regulator(), 'if-match': '"1"' },
        payload: { name: { kk: 'Жаңа', ru: 'Новое', en: 'New' } },
      }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    expect(statuses[0]).toBe(200);
    expect([409, 412]).toContain(statuses[1]);
    const after = await h.app.inject({ url, headers: regulator() });
    expect(after.headers.etag).toBe('"2"');
    const winner = a.statusCode === 200 ? 'sector' : 'name';
    expect(after.json()).toMatchObject(
      winner === 'sector'
        ? { sector: 'microfinance', name: { en: 'Senim Bank JSC' } }
        : { sector: 'bank', name: { en: 'New' } },
    );
    const stale = await h.app.inject({
      method: 'PATCH',
      url,
      headers: { ...regulator(), 'if-match': '"1"' },
      payload: { sector: 'other' },
    });
    expect(stale.json()).toMatchObject({
      status: 412,
      code: 'storage.precondition_failed',
      currentVersion: 2,
    });
    const badTag = await h.app.inject({
      method: 'PATCH',
      url,
      headers: { ...regulator(), 'if-match': 'yesterday' },
      payload: { sector: 'other' },
    });
    expect(badTag.statusCode).toBe(400);
  });

  it('a suspended system\u2019s key is refused at once on every system route, and works again when reinstated', async () => {
    const { operator } = await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const { apiKey, credential } = await issueKey(system.id);
    expect(apiKey).toMatch(/^qalqan_sk_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.startsWith(credential.prefix)).toBe(true);
    const systemRoutes = [
      { method: 'GET' as const, url: '/v1/registry/me' },
      { method: 'GET' as const, url: `/v1/registry/systems/${system.id}` },
      { method: 'GET' as const, url: `/v1/registry/systems/${system.id}/standing` },
      { method: 'GET' as const, url: `/v1/registry/systems/${system.id}/keys` },
      { method: 'GET' as const, url: `/v1/registry/operators/${operator.id}` },
      { method: 'GET' as const, url: '/v1/registry/systems' },
    ];
    for (const route of systemRoutes)
      expect(
        (await h.app.inject({ ...route, headers: bearer(apiKey) })).statusCode,
        route.url,
      ).toBe(200);

    const suspend = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/suspend`,
      headers: bearer(h.tokens.soc),
      payload: { reason: 'bulk harvesting alert' },
    });
    expect(suspend.json()).toMatchObject({
      system: { status: 'suspended', statusReason: 'bulk harvesting alert' },
    });
    for (const route of systemRoutes) {
      const response = await h.app.inject({ ...route, headers: bearer(apiKey) });
      expect(response.statusCode, route.url).toBe(401);
      expect(response.json()).toMatchObject({
        code: 'auth.unauthenticated',
        detail: `System ${system.id} is suspended; its keys do not work while it is.`,
      });
    }
    const standing = await h.app.inject({
      url: `/v1/registry/systems/${system.id}/standing`,
      headers: regulator(),
    });
    expect(standing.json()).toMatchObject({
      mayAct: false,
      reasons: [{ code: 'system.suspended' }],
    });

    const socReinstate = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/reinstate`,
      headers: bearer(h.tokens.soc),
      payload: { reason: 'x' },
    });
    expect(socReinstate.statusCode).toBe(403);
    await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/reinstate`,
      headers: regulator(),
      payload: { reason: 'false positive' },
    });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(apiKey) })).json(),
    ).toMatchObject({ system: { id: system.id, status: 'active' }, standing: { mayAct: true } });
  });

  it('suspending an operator stops all its systems\u2019 keys; revoking is final', async () => {
    const { operator } = await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const { apiKey } = await issueKey(system.id);
    await h.app.inject({
      method: 'POST',
      url: `/v1/registry/operators/${operator.id}/suspend`,
      headers: regulator(),
      payload: { reason: 'licence suspended' },
    });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(apiKey) })).json(),
    ).toMatchObject({ status: 401, detail: expect.stringContaining('operator') });
    const standing = await h.app.inject({
      url: `/v1/registry/systems/${system.id}/standing`,
      headers: regulator(),
    });
    expect(standing.json()).toMatchObject({
      mayAct: false,
      reasons: [{ code: 'operator.suspended' }],
    });
    await h.app.inject({
      method: 'POST',
      url: `/v1/registry/operators/${operator.id}/revoke`,
      headers: regulator(),
      payload: { reason: 'licence withdrawn' },
    });
    const reinstate = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/operators/${operator.id}/reinstate`,
      headers: regulator(),
      payload: { reason: 'oops' },
    });
    expect(reinstate.json()).toMatchObject({
      status: 409,
      code: 'registry.invalid_transition',
      detail: `The operator ${operator.id} is revoked; it cannot be reinstated.`,
    });
    const newSystem = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/systems',
      headers: regulator(),
      payload: systemBody(operator.id),
    });
    expect(newSystem.json()).toMatchObject({ status: 409, code: 'registry.operator_inactive' });
  });

  it('a suspension with an end date lapses by itself (clock-controlled)', async () => {
    const { operator } = await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const { apiKey } = await issueKey(system.id);
    const until = new Date(h.clock().getTime() + 3_600_000).toISOString();
    await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/suspend`,
      headers: regulator(),
      payload: { reason: 'investigation', until },
    });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(apiKey) })).statusCode,
    ).toBe(401);
    h.clock.advance(3_600_000);
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(apiKey) })).statusCode,
    ).toBe(200);
    const past = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/suspend`,
      headers: regulator(),
      payload: { reason: 'x', until: '2020-01-01T00:00:00Z' },
    });
    expect(past.json()).toMatchObject({
      status: 400,
      detail: expect.stringContaining('until must be in the future'),
    });
  });

  it('a biometric system whose certificate expired reads as not certified (clock-controlled)', async () => {
    const { operator } = await createOperator({ sector: 'state-body' });
    const system = await createSystem(biometricBody(operator.id));
    const url = `/v1/registry/systems/${system.id}/standing`;
    expect((await h.app.inject({ url, headers: regulator() })).json()).toMatchObject({
      mayAct: false,
      certified: false,
      reasons: [{ code: 'biometric.certificate_missing' }],
    });

    const certificate = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/certificates`,
      headers: regulator(),
      payload: {
        number: `BIO-${system.id.slice(-6)}`,
        issuer: 'National certification centre',
        scope: 'Face recognition, entrance control',
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      },
    });
    expect(certificate.statusCode, certificate.body).toBe(201);
    expect(certificate.json()).toMatchObject({
      certificate: { validUntil: '2027-01-01T00:00:00.000Z' },
      change: { ledgerIndex: expect.any(Number) },
    });
    expect((await h.app.inject({ url, headers: regulator() })).json()).toMatchObject({
      mayAct: true,
      certified: true,
    });

    h.clock.set('2027-01-01T00:00:00.000Z');
    expect((await h.app.inject({ url, headers: regulator() })).json()).toMatchObject({
      mayAct: false,
      certified: false,
      reasons: [
        {
          code: 'biometric.certificate_expired',
          message: {
            en: 'The certificate of this biometric system has expired: it is not certified.',
          },
        },
      ],
    });
    h.clock.set('2026-11-25T09:00:00.000Z');

    const inverted = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/certificates`,
      headers: regulator(),
      payload: {
        number: 'X-1',
        issuer: 'Centre',
        scope: 'Face',
        validFrom: '2026-06-01',
        validUntil: '2026-05-01',
      },
    });
    expect(inverted.json()).toMatchObject({
      status: 400,
      code: 'registry.invalid_certificate',
      detail: 'validUntil (2026-05-01) is not after validFrom (2026-06-01)',
    });
  });

  it('keys rotate with overlap, and revocation is immediate', async () => {
    const { operator } = await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const first = await issueKey(system.id);
    const rotated = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/keys/${first.credential.id}/rotate`,
      headers: bearer(first.apiKey),
      payload: { overlapHours: 2 },
    });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const second = rotated.json<{
      apiKey: string;
      credential: { id: string };
      previous: { state: string };
    }>();
    expect(second.previous.state).toBe('expiring');
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(first.apiKey) })).statusCode,
    ).toBe(200);
    h.clock.advance(2 * 3_600_000);
    const expired = await h.app.inject({ url: '/v1/registry/me', headers: bearer(first.apiKey) });
    expect(expired.json()).toMatchObject({
      status: 401,
      detail: `API key ${first.credential.id} expired after rotation; use its successor.`,
    });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(second.apiKey) })).statusCode,
    ).toBe(200);

    const revoke = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/keys/${second.credential.id}/revoke`,
      headers: bearer(h.tokens.soc),
      payload: { reason: 'posted in a public chat' },
    });
    expect(revoke.json()).toMatchObject({ state: 'revoked' });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(second.apiKey) })).json(),
    ).toMatchObject({ status: 401, detail: `API key ${second.credential.id} was revoked.` });
    const keys = await h.app.inject({
      url: `/v1/registry/systems/${system.id}/keys`,
      headers: bearer(h.tokens.auditor),
    });
    // The secret is what follows `qalqan_sk_<id>_`; it is base64url, so it may hold '_' itself.
    const secret = first.apiKey.split('_').slice(3).join('_');
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(keys.body).not.toContain(secret);
    expect(
      keys
        .json<{ items: { state: string }[] }>()
        .items.map((k) => k.state)
        .sort(),
    ).toEqual(['expired', 'revoked']);
  });

  it('rejects forged and malformed keys without saying which part was wrong', async () => {
    const { operator } = await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const { apiKey } = await issueKey(system.id);
    const forged = `${apiKey.slice(0, -4)}AAAA`;
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(forged) })).json(),
    ).toMatchObject({ status: 401, detail: 'The API key is not valid.' });
    const unknownId = apiKey.replace(/_sk_[0-9A-Z]{26}_/, '_sk_01JDAAAAAAAAAAAAAAAAAAAAAA_');
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer(unknownId) })).json(),
    ).toMatchObject({ status: 401, detail: 'The API key is not valid.' });
    expect(
      (await h.app.inject({ url: '/v1/registry/me', headers: bearer('hello') })).json(),
    ).toMatchObject({ status: 401 });
  });

  it('an operator sees its own systems only; others answer 404', async () => {
    const a = (await createOperator()).operator;
    const b = (await createOperator()).operator;
    const systemA = await createSystem(systemBody(a.id));
    const systemB = await createSystem(systemBody(b.id));
    const keyA = (await issueKey(systemA.id)).apiKey;
    const list = await h.app.inject({
      url: '/v1/registry/systems?limit=100',
      headers: bearer(keyA),
    });
    expect(list.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toEqual([systemA.id]);
    expect(
      (
        await h.app.inject({
          url: `/v1/registry/systems?operatorId=${b.id}`,
          headers: bearer(keyA),
        })
      ).json(),
    ).toEqual({ items: [] });
    for (const url of [
      `/v1/registry/systems/${systemB.id}`,
      `/v1/registry/systems/${systemB.id}/standing`,
      `/v1/registry/systems/${systemB.id}/keys`,
      `/v1/registry/operators/${b.id}`,
    ]) {
      const response = await h.app.inject({ url, headers: bearer(keyA) });
      expect(response.statusCode, url).toBe(404);
    }
    const otherKey = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${systemB.id}/keys/key_01JDAAAAAAAAAAAAAAAAAAAAAA/revoke`,
      headers: bearer(keyA),
      payload: { reason: 'x' },
    });
    expect(otherKey.statusCode).toBe(404);
  });

  it('pages registry lists 50 at a time by default, limit 1–100 (docs/API.md)', async () => {
    const marker = `Paging ${Date.now()}`;
    for (let i = 0; i < 51; i++)
      await createOperator({
        name: { kk: `${marker} ${i}`, ru: `${marker} ${i}`, en: `${marker} ${i}` },
      });
    const list = (query: string) =>
      h.app.inject({
        url: `/v1/registry/operators?q=${encodeURIComponent(marker)}${query}`,
        headers: regulator(),
      });
    const first = (await list('')).json<{ items: unknown[]; nextCursor?: string }>();
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await list('&limit=100')).json<{ items: unknown[] }>().items).toHaveLength(51);
    for (const limit of [0, 101]) expect((await list(`&limit=${limit}`)).statusCode).toBe(400);
  });

  it('q finds a system by its name or its description, in any letter case', async () => {
    const { operator } = await createOperator();
    const marker = `Ақмола${Date.now()}`;
    const byName = await createSystem(systemBody(operator.id, { name: `Тіркеу ${marker}` }));
    const byDescription = await createSystem(
      systemBody(operator.id, { description: `Records of ${marker}` }),
    );
    const found = await h.app.inject({
      url: `/v1/registry/systems?q=${encodeURIComponent(marker.toUpperCase())}`,
      headers: regulator(),
    });
    expect(
      found
        .json<{ items: { id: string }[] }>()
        .items.map((s) => s.id)
        .sort(),
    ).toEqual([byName.id, byDescription.id].sort());
  });

  it('pages only from a cursor it wrote: any other is a 400 naming cursor, not a position', async () => {
    const { operator } = await createOperator();
    // A second one, so a page of one has a next page whatever ran before (tests run shuffled).
    await createOperator();
    const system = await createSystem(systemBody(operator.id));
    const get = (url: string) => h.app.inject({ url, headers: bearer(h.tokens.auditor) });
    // Each list's cursor is its last record's id; the next page is read from exactly that.
    const ops = (await get('/v1/registry/operators?limit=1')).json<{ nextCursor?: string }>();
    expect(ops.nextCursor).toMatch(/^op_/);
    expect((await get(`/v1/registry/operators?limit=1&cursor=${ops.nextCursor}`)).statusCode).toBe(
      200,
    );
    const history = `/v1/registry/operators/${operator.id}/history`;
    const [change] = (await get(history)).json<{ items: { id: string }[] }>().items;
    expect((await get(`${history}?cursor=${change!.id}`)).statusCode).toBe(200);
    // '!' sorts before every id (the whole list as a "next page"); another kind of id, a
    // lowercase or non-ULID one, and text holding quotes or U+0000 are none of them a cursor.
    for (const [url, forged] of [
      ['/v1/registry/operators', '!'],
      ['/v1/registry/operators', ''],
      ['/v1/registry/operators', system.id],
      ['/v1/registry/operators', operator.id.toLowerCase()],
      ['/v1/registry/operators', `op_${'U'.repeat(26)}`],
      ['/v1/registry/operators', "op_' OR 1=1"],
      ['/v1/registry/systems', operator.id],
      ['/v1/registry/systems', 'sys_'],
      [history, operator.id],
      [`/v1/registry/systems/${system.id}/history`, `${change!.id}x`],
    ] as const) {
      const res = await get(`${url}?cursor=${encodeURIComponent(forged)}`);
      expect(res.statusCode, `${url} ${forged}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'request.validation', field: 'cursor' });
    }
  });

  it('searches by name in any language or by BIN, and pages with a cursor', async () => {
    const marker = `Қызылорда ${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { operator } = await createOperator({
        name: { kk: `${marker} ${i}`, ru: `Кызылорда ${i}`, en: `Kyzylorda ${i}` },
        sector: 'health',
      });
      created.push(operator.id);
    }
    // Upper-case Kazakh in the query still matches: search folds case outside SQL.
    const page1 = await h.app.inject({
      url: `/v1/registry/operators?q=${encodeURIComponent(marker.toUpperCase())}&limit=2`,
      headers: bearer(h.tokens.auditor),
    });
    const body1 = page1.json<{ items: { id: string }[]; nextCursor?: string }>();
    expect(body1.items).toHaveLength(2);
    expect(body1.nextCursor).toBe(body1.items[1]!.id);
    const page2 = await h.app.inject({
      url: `/v1/registry/operators?q=${encodeURIComponent(marker)}&limit=2&cursor=${body1.nextCursor}`,
      headers: bearer(h.tokens.auditor),
    });
    const body2 = page2.json<{ items: { id: string }[]; nextCursor?: string }>();
    expect(body2.nextCursor).toBeUndefined();
    expect([...body1.items, ...body2.items].map((o) => o.id).sort()).toEqual([...created].sort());

    const wildcard = await h.app.inject({
      url: '/v1/registry/operators?q=%25',
      headers: bearer(h.tokens.auditor),
    });
    expect(wildcard.json()).toEqual({ items: [] });
    // LIKE's other wildcard and its escape character are literal text too, on both engines (the
    // escape clause is written once for both): `_` does not stand for the space in `${marker} 0`,
    // and a name holding `%`, `_` and `\` is found by them.
    const search = async (q: string) =>
      (
        await h.app.inject({
          url: `/v1/registry/operators?q=${encodeURIComponent(q)}`,
          headers: bearer(h.tokens.auditor),
        })
      )
        .json<{ items: { id: string }[] }>()
        .items.map((o) => o.id);
    expect(await search(`${marker}_0`)).toEqual([]);
    const { operator: odd } = await createOperator({
      name: { kk: `${marker} 100%_a\\b`, ru: 'Скидка', en: 'Discount' },
    });
    expect(await search('100%_A\\B')).toEqual([odd.id]);
    expect(await search(`${marker} 100__a`)).toEqual([]);
    const bin = nextBin();
    const { operator } = await createOperator({ identifier: bin });
    const byBin = await h.app.inject({
      url: `/v1/registry/operators?q=${bin}&sector=bank`,
      headers: regulator(),
    });
    expect(byBin.json<{ items: { id: string }[] }>().items.map((o) => o.id)).toEqual([operator.id]);
    const tooMany = await h.app.inject({
      url: '/v1/registry/operators?limit=1000',
      headers: regulator(),
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('serves the taxonomy publicly', async () => {
    const response = await h.app.inject('/v1/taxonomy');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      purposes: expect.arrayContaining([expect.objectContaining({ code: 'health.treatment' })]),
    });
  });

  it('staff tokens can be issued and revoked by the regulator only', async () => {
    const issued = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/staff-tokens',
      headers: regulator(),
      payload: { role: 'auditor', name: 'External auditor' },
    });
    expect(issued.statusCode).toBe(201);
    const { id, token } = issued.json<{ id: string; token: string }>();
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(token) })).statusCode,
    ).toBe(200);
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: `/v1/registry/staff-tokens/${id}/revoke`,
          headers: bearer(h.tokens.soc),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: `/v1/registry/staff-tokens/${id}/revoke`,
          headers: regulator(),
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await h.app.inject({ url: '/v1/registry/operators', headers: bearer(token) })).json(),
    ).toMatchObject({ status: 401, detail: `Staff token ${id} was revoked.` });
  });

  it('a date-time the schema takes is one the server can read: a leap second or a year past 9999 is a 400', async () => {
    // RFC 3339 (Ajv's `date-time`) allows 23:59:60, which Date.parse cannot read: the route's
    // `new Date(…).toISOString()` threw and answered 500. An offset past 9999-12-31 UTC became
    // '+010000-…', which sorts before every other instant stored as text.
    for (const expiresAt of ['2030-12-31T23:59:60Z', '9999-12-31T23:59:59-14:00']) {
      const issued = await h.app.inject({
        method: 'POST',
        url: '/v1/registry/staff-tokens',
        headers: regulator(),
        payload: { role: 'auditor', name: 'Leap', expiresAt },
      });
      expect([issued.statusCode, issued.json<{ code: string }>().code], expiresAt).toEqual([
        400,
        'request.validation',
      ]);
    }
  });

  it('refuses a staff token whose expiresAt has already passed, and stores none', async () => {
    const before = await fx.storage.db
      .selectFrom('staff_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const refused = await h.app.inject({
      method: 'POST',
      url: '/v1/registry/staff-tokens',
      headers: regulator(),
      payload: { role: 'auditor', name: 'Late auditor', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json<{ detail: string }>().detail).toMatch(/expiresAt must be in the future/);
    const after = await fx.storage.db
      .selectFrom('staff_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('every change is in the history and in the ledger, in order', async () => {
    // Make changes of every kind here, so the test holds alone as well as after the others.
    const made: string[] = [];
    const created = await createOperator();
    made.push(created.change.id);
    const system = await createSystem(systemBody(created.operator.id));
    await issueKey(system.id);
    const suspended = await h.app.inject({
      method: 'POST',
      url: `/v1/registry/systems/${system.id}/suspend`,
      headers: regulator(),
      payload: { reason: 'ledger order test' },
    });
    expect(suspended.statusCode, suspended.body).toBe(200);
    made.push(suspended.json<{ change: { id: string } }>().change.id);
    const history = await fx.storage.db
      .selectFrom('registry_history')
      .select(['id', 'ledger_index'])
      .where('id', 'in', made)
      .execute();
    expect(history.map((r) => r.id).sort()).toEqual([...made].sort());
    expect(history.every((r) => typeof r.ledger_index === 'number')).toBe(true);

    const pending = await fx.storage.db
      .selectFrom('registry_history')
      .select('id')
      .where('ledger_index', 'is', null)
      .execute();
    expect(pending).toEqual([]);
    const rows = await fx.storage.db
      .selectFrom('registry_history')
      .select(['id', 'ledger_index'])
      .orderBy('ledger_index')
      .execute();
    expect(rows.map((r) => r.ledger_index)).toEqual(rows.map((_, i) => i));
    expect(rows.length).toBeGreaterThanOrEqual(made.length);
    expect(h.ledgerEntries).toHaveLength(rows.length);
    for (const entry of h.ledgerEntries)
      expect(JSON.stringify(entry)).not.toMatch(/qalqan_(sk|st)_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}/);
  });
});
