/**
 * The registry's narrow ports and its key rules, on SQLite and PostgreSQL: the read ports
 * `profileOf` and `operatorExists`, the standing rule for keys (with a route that accepts systems
 * not in standing), bounded rotation, the live-key limit, revocation of minted successors,
 * revoke-all, and free text refused when it holds an IIN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../core/identifiers.js';
import { buildApp, type App } from '../http/app.js';
import { principalOf } from '../http/access.js';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  bearer,
  biometricBody,
  operatorBody,
  registryHarness,
  type RegistryHarness,
  systemBody,
} from './test-support/registry-app.js';

/** An IIN the scanner's detector accepts (checksum-valid), built without the code under test. */
const IIN = withCheckDigit('90051530123')!;

describeStorage('registry ports and key rules', (fx) => {
  let h: RegistryHarness;
  let probe: App;
  const actor = { kind: 'cli' as const, id: 'ports-test' };

  beforeAll(async () => {
    h = await registryHarness(fx.storage);
    // A route that declares it accepts systems not in standing, as the access checks do, and one
    // that does not: both answer the principal's standing.
    probe = await buildApp({
      config: {
        logLevel: 'silent',
        bodyLimit: 1 << 20,
        trustProxy: false,
        metricsToken: undefined,
      },
      checkReady: () => fx.storage.ping(),
      authenticators: h.registry.authenticators,
      logger: false,
      routes: [
        {
          name: 'probe',
          plugin: async (app) => {
            const standingOf = (request: Parameters<typeof principalOf>[0]) => {
              const principal = principalOf(request);
              return principal.kind === 'system' ? (principal.standing ?? null) : null;
            };
            app.get(
              '/probe/lenient',
              { config: { allow: ['system'], allowNotInStanding: true } },
              async (request) => ({ standing: standingOf(request) }),
            );
            app.get('/probe/strict', { config: { allow: ['system'] } }, async (request) => ({
              standing: standingOf(request),
            }));
          },
        },
      ],
    });
    await probe.ready();
  });
  afterAll(async () => {
    await probe.close();
    await h.close();
  });

  const regulator = () => bearer(h.tokens.regulator);

  async function newSystem(body: (operatorId: string) => Record<string, unknown> = systemBody) {
    const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
    const system = await h.registry.service.createSystem(body(operator.record.id) as never, actor);
    return { operatorId: operator.record.id, systemId: system.record.id };
  }

  describe('profileOf (the read port)', () => {
    it('is null for an unknown system', async () => {
      expect(await h.registry.profileOf('sys_unknown')).toBeNull();
    });

    it('answers declared processing, standing and grounds flattened per purpose', async () => {
      const { systemId, operatorId } = await newSystem((operatorId) =>
        systemBody(operatorId, {
          purposes: ['finance.payments', 'finance.kyc'],
          categories: ['identity', 'financial', 'document'],
          legalGrounds: [
            {
              basis: 'contract',
              reference: 'Credit agreement terms, 2026 edition',
              purposes: ['finance.payments'],
              validFrom: '2026-01-01',
              validUntil: null,
              recipients: [{ identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' }],
            },
          ],
        }),
      );
      const profile = await h.registry.profileOf(systemId);
      expect(profile).toMatchObject({
        system: {
          id: systemId,
          operatorId,
          kind: 'ordinary',
          status: 'active',
          hostingCountry: 'KZ',
          purposes: ['finance.payments', 'finance.kyc'],
          categories: ['identity', 'financial', 'document'],
        },
        operator: { id: operatorId, status: 'active' },
        standing: { ok: true, reasons: [] },
      });
      expect(profile!.grounds).toEqual(
        ['finance.payments'].map((purpose) => ({
          kind: 'contract',
          purpose,
          reference: 'Credit agreement terms, 2026 edition',
          validFrom: '2026-01-01',
          validTo: null,
          recipients: [{ identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' }],
        })),
      );
    });

    it('reads the standing of suspended and uncertified systems, with every reason', async () => {
      const { systemId } = await newSystem(biometricBody);
      expect((await h.registry.profileOf(systemId))!.standing).toMatchObject({
        ok: false,
        reasons: [{ code: 'biometric.certificate_missing' }],
      });
      await h.registry.service.recordCertificate(
        systemId,
        {
          number: 'BIO-1',
          issuer: 'Certification body',
          scope: 'face',
          validFrom: '2026-01-01',
          validUntil: '2026-12-31',
        },
        actor,
      );
      expect((await h.registry.profileOf(systemId))!.standing).toEqual({ ok: true, reasons: [] });
      await h.registry.service.setSystemStatus(systemId, 'suspended', 'audit', null, actor);
      const reasons = (await h.registry.profileOf(systemId))!.standing.reasons.map((r) => r.code);
      expect(reasons).toEqual(['system.suspended']);
      // After the certificate's end (exclusive), the certificate reason joins the suspension.
      const later = await h.registry.profileOf(systemId, new Date('2027-01-01T00:00:00Z'));
      expect(later!.standing.reasons.map((r) => r.code)).toEqual([
        'system.suspended',
        'biometric.certificate_expired',
      ]);
    });

    it('refuses a ground recipient in an unknown country, naming the field', async () => {
      const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
      const response = await h.app.inject({
        method: 'POST',
        url: '/v1/registry/systems',
        headers: regulator(),
        payload: systemBody(operator.record.id, {
          legalGrounds: [
            {
              basis: 'law',
              reference: 'Law on AML, art. 5',
              purposes: ['finance.kyc'],
              validUntil: null,
              recipients: [{ name: 'Somewhere Ltd', country: 'XX' }],
            },
          ],
        }),
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'core.unknown_country',
        detail: expect.stringContaining('legalGrounds[0].recipients[0].country'),
      });
    });
  });

  describe('operatorExists (the read port)', () => {
    it('knows a registered operator whatever its status and systems, and no other id', async () => {
      const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
      const id = operator.record.id;
      expect(await h.registry.operatorExists(id)).toBe(true);
      await h.registry.service.setOperatorStatus(id, 'revoked', 'licence withdrawn', actor);
      expect(await h.registry.operatorExists(id)).toBe(true);
      expect(await h.registry.operatorExists('op_unknown')).toBe(false);
      expect(await h.registry.operatorExists(`${id}x`)).toBe(false);
    });
  });

  describe('the standing rule for keys', () => {
    async function keyOf(systemId: string) {
      return (await h.registry.credentials.issueKey(systemId, 'probe', actor)).apiKey;
    }
    const call = (key: string, path: string) =>
      probe.inject({ method: 'GET', url: path, headers: bearer(key) });

    it('a suspended system: 401 on ordinary routes, admitted with its reasons where declared', async () => {
      const { systemId } = await newSystem();
      const key = await keyOf(systemId);
      await h.registry.service.setSystemStatus(systemId, 'suspended', 'incident', null, actor);
      expect((await call(key, '/probe/strict')).statusCode).toBe(401);
      const lenient = await call(key, '/probe/lenient');
      expect(lenient.statusCode).toBe(200);
      expect(lenient.json()).toMatchObject({
        standing: { ok: false, reasons: [{ code: 'system.suspended' }] },
      });
    });

    it('a suspended operator: the same', async () => {
      const { systemId, operatorId } = await newSystem();
      const key = await keyOf(systemId);
      await h.registry.service.setOperatorStatus(operatorId, 'suspended', 'inspection', actor);
      expect((await call(key, '/probe/strict')).statusCode).toBe(401);
      expect((await call(key, '/probe/lenient')).json()).toMatchObject({
        standing: { ok: false, reasons: [{ code: 'operator.suspended' }] },
      });
    });

    it('an uncertified biometric system: 403 on ordinary routes, admitted where declared', async () => {
      const { systemId } = await newSystem(biometricBody);
      const key = await keyOf(systemId);
      const strict = await call(key, '/probe/strict');
      expect(strict.statusCode).toBe(403);
      expect(strict.json()).toMatchObject({ code: 'auth.forbidden' });
      expect((await call(key, '/probe/lenient')).json()).toMatchObject({
        standing: { ok: false, reasons: [{ code: 'biometric.certificate_missing' }] },
      });
    });

    it('revoked system, revoked operator, revoked key: 401 everywhere', async () => {
      const a = await newSystem();
      const keyA = await keyOf(a.systemId);
      await h.registry.service.setSystemStatus(a.systemId, 'revoked', 'closed', null, actor);
      const b = await newSystem();
      const keyB = await keyOf(b.systemId);
      await h.registry.service.setOperatorStatus(b.operatorId, 'revoked', 'closed', actor);
      const c = await newSystem();
      const issued = await h.registry.credentials.issueKey(c.systemId, 'probe', actor);
      await h.registry.credentials.revokeKey(c.systemId, issued.credential.id, 'leaked', actor);
      for (const key of [keyA, keyB, issued.apiKey]) {
        expect((await call(key, '/probe/strict')).statusCode).toBe(401);
        expect((await call(key, '/probe/lenient')).statusCode).toBe(401);
      }
    });

    it('a system in standing is admitted everywhere with ok standing', async () => {
      const { systemId } = await newSystem();
      const key = await keyOf(systemId);
      for (const path of ['/probe/strict', '/probe/lenient']) {
        const response = await call(key, path);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ standing: { ok: true, reasons: [] } });
      }
    });
  });

  describe('keys cannot keep themselves alive', () => {
    const rotate = (systemId: string, keyId: string, token: string, overlapHours: number) =>
      h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys/${keyId}/rotate`,
        headers: bearer(token),
        payload: { overlapHours },
      });
    const me = (key: string) =>
      h.app.inject({ method: 'GET', url: '/v1/registry/me', headers: bearer(key) });

    it('the overlap is bounded (168 h by default)', async () => {
      const { systemId } = await newSystem();
      const issued = await h.registry.credentials.issueKey(systemId, 'main', actor);
      const response = await rotate(systemId, issued.credential.id, issued.apiKey, 720);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'request.validation' });
      expect((await rotate(systemId, issued.credential.id, issued.apiKey, 168)).statusCode).toBe(
        201,
      );
    });

    it('at most three keys work at once', async () => {
      const { systemId } = await newSystem();
      for (let i = 0; i < 3; i++) await h.registry.credentials.issueKey(systemId, `k${i}`, actor);
      const fourth = await h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys`,
        headers: regulator(),
        payload: { label: 'one too many' },
      });
      expect(fourth.statusCode).toBe(409);
      expect(fourth.json()).toMatchObject({ code: 'registry.too_many_keys' });
    });

    it('rotations cannot chain past the limit', async () => {
      const { systemId } = await newSystem();
      let current = await h.registry.credentials.issueKey(systemId, 'main', actor);
      let refused = 0;
      for (let i = 0; i < 5; i++) {
        const response = await rotate(systemId, current.credential.id, current.apiKey, 24);
        if (response.statusCode === 409) {
          refused++;
          break;
        }
        expect(response.statusCode).toBe(201);
        current = response.json();
      }
      expect(refused).toBe(1);
      const live = (await h.registry.credentials.listKeys(systemId)).filter(
        (key) => key.state === 'active' || key.state === 'expiring',
      );
      expect(live).toHaveLength(3);
    });

    it('a system may rotate only the key it calls with', async () => {
      const { systemId } = await newSystem();
      const mine = await h.registry.credentials.issueKey(systemId, 'mine', actor);
      const sibling = await h.registry.credentials.issueKey(systemId, 'sibling', actor);
      const response = await rotate(systemId, sibling.credential.id, mine.apiKey, 0);
      expect(response.statusCode).toBe(403);
      expect((await rotate(systemId, mine.credential.id, mine.apiKey, 0)).statusCode).toBe(201);
    });

    it('revoking a key revokes the successors it minted', async () => {
      const { systemId } = await newSystem();
      const leaked = await h.registry.credentials.issueKey(systemId, 'main', actor);
      const successor = (await rotate(systemId, leaked.credential.id, leaked.apiKey, 24)).json<{
        apiKey: string;
        credential: { id: string };
      }>();
      expect((await me(successor.apiKey)).statusCode).toBe(200);
      const revoked = await h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys/${leaked.credential.id}/revoke`,
        headers: regulator(),
        payload: { reason: 'leaked in a public repository' },
      });
      expect(revoked.statusCode).toBe(200);
      expect((await me(leaked.apiKey)).statusCode).toBe(401);
      expect((await me(successor.apiKey)).statusCode).toBe(401);
      const states = (await h.registry.credentials.listKeys(systemId)).map((key) => key.state);
      expect(states).toEqual(['revoked', 'revoked']);
    });

    it('the monitoring centre can revoke every key of a system at once', async () => {
      const { systemId } = await newSystem();
      const keys = [
        await h.registry.credentials.issueKey(systemId, 'a', actor),
        await h.registry.credentials.issueKey(systemId, 'b', actor),
      ];
      const response = await h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys/revoke-all`,
        headers: bearer(h.tokens.soc),
        payload: { reason: 'credential stuffing from this system' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ revoked: { id: string }[]; change: { id: string } }>();
      expect(body.revoked.map((key) => key.id).sort()).toEqual(
        keys.map((key) => key.credential.id).sort(),
      );
      expect(body.change.id).toMatch(/^chg_/);
      for (const key of keys) expect((await me(key.apiKey)).statusCode).toBe(401);
      // Nothing live is left: a second call revokes nothing and says so.
      const again = await h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys/revoke-all`,
        headers: regulator(),
        payload: { reason: 'again' },
      });
      expect(again.json()).toEqual({ revoked: [], change: { id: null, ledgerIndex: null } });
    });
  });

  describe('free text never holds an IIN', () => {
    async function expectRefused(
      response: { statusCode: number; body: string; json: () => unknown },
      field: string,
    ) {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'registry.identifier_in_text' });
      expect(response.body).toContain(field);
      expect(response.body).not.toContain(IIN);
    }

    it('refuses reasons, labels, staff-token names, issuers and system descriptions', async () => {
      const { systemId } = await newSystem();
      const post = (url: string, payload: Record<string, unknown>) =>
        h.app.inject({ method: 'POST', url, headers: regulator(), payload });
      await expectRefused(
        await post(`/v1/registry/systems/${systemId}/keys`, { label: `key of ${IIN}` }),
        'label',
      );
      await expectRefused(
        await post('/v1/registry/staff-tokens', { role: 'soc', name: `Analyst ${IIN}` }),
        'name',
      );
      await expectRefused(
        await post(`/v1/registry/systems/${systemId}/suspend`, {
          reason: `complaint by citizen ИИН ${IIN}`,
        }),
        'reason',
      );
      const certificate = await post(`/v1/registry/systems/${systemId}/certificates`, {
        number: 'C-1',
        issuer: `IE ${IIN}`,
        scope: 'face',
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      });
      await expectRefused(certificate, 'issuer');
      const operator = await h.registry.service.createOperator(operatorBody() as never, actor);
      await expectRefused(
        await post(
          '/v1/registry/systems',
          systemBody(operator.record.id, { description: `Scoring for ${IIN}` }),
        ),
        'description',
      );
      // Nothing was stored by the refused requests.
      expect(await h.registry.credentials.listKeys(systemId)).toEqual([]);
      expect((await h.registry.service.getSystem(systemId))!.status).toBe('active');
    });

    it('accepts a twelve-digit number that is not an IIN', async () => {
      const { systemId } = await newSystem();
      const response = await h.app.inject({
        method: 'POST',
        url: `/v1/registry/systems/${systemId}/keys`,
        headers: regulator(),
        payload: { label: 'order 123456789012' },
      });
      expect(response.statusCode, response.body).toBe(201);
    });
  });
});
