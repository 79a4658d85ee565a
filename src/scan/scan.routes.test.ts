import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from '../storage/test-support/storages.js';
import {
  bearer,
  operatorBody,
  registryHarness,
  systemBody,
  type RegistryHarness,
} from '../registry/test-support/registry-app.js';
import { buildApp, type App } from '../http/app.js';
import { scanRoutes } from './scan.routes.js';

describe('POST /v1/scan', () => {
  let h: RegistryHarness;
  let app: App;
  let apiKey: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openTestStorage('sqlite');
    dispose = opened.dispose;
    h = await registryHarness(opened.storage);
    app = await buildApp({
      config: {
        logLevel: 'silent',
        bodyLimit: 1024 * 1024,
        trustProxy: false,
        metricsToken: undefined,
      },
      checkReady: async () => undefined,
      authenticators: h.registry.authenticators,
      routes: [scanRoutes({ lookupKey: randomBytes(32) })],
      logger: false,
    });
    const actor = { kind: 'cli' as const, id: 'test' };
    const operator = await h.registry.service.createOperator(
      operatorBody({ sector: 'education' }) as never,
      actor,
    );
    const system = await h.registry.service.createSystem(
      systemBody(operator.record.id, {
        name: 'School chat bot',
        kind: 'messenger',
        purposes: ['education.enrolment'],
        categories: ['identity', 'contact'],
      }) as never,
      actor,
    );
    apiKey = (await h.registry.credentials.issueKey(system.record.id, 'bot', actor)).apiKey;
  });
  afterAll(async () => {
    await app.close();
    await h.close();
    await dispose();
  });

  const scan = (payload: object, token = apiKey) =>
    app.inject({ method: 'POST', url: '/v1/scan', headers: bearer(token), payload });

  it('finds an IIN with a health certificate, masks it and suggests a consent request in three languages', async () => {
    const response = await scan({
      text: 'Родители, пришлите ИИН ребёнка 900515201238 и справку 086/у до пятницы',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<{
      risk: string;
      findings: { type: string; masked: string; hash: string; start: number; end: number }[];
      worstCases: { identifier: number; health: number }[];
      suggestion: { kk: string; ru: string; en: string };
    }>();
    expect(body.risk).toBe('identifier-with-health');
    const iin = body.findings.find((f) => f.type === 'iin')!;
    expect(iin).toMatchObject({ masked: '9005********', start: 31, end: 43 });
    expect(body.worstCases).toHaveLength(1);
    expect(body.findings[body.worstCases[0]!.identifier]?.type).toBe('iin');
    expect(body.findings[body.worstCases[0]!.health]?.type).toBe('health');
    expect(body.suggestion.ru).toContain('запрос согласия');
    expect(body.suggestion.kk).toContain('келісім');
    expect(body.suggestion.en).toContain('consent request');
    expect(response.body).not.toContain('900515201238');
  });

  it('gives the same hash for the same value across calls, so findings correlate', async () => {
    const a = (await scan({ text: 'ИИН 900515201238' })).json<{ findings: { hash: string }[] }>();
    const b = (await scan({ text: 'another message, same person: 900515201238' })).json<{
      findings: { hash: string }[];
    }>();
    expect(a.findings[0]?.hash).toBe(b.findings[0]?.hash);
  });

  it('answers risk none for a clean message and honours types and minScore', async () => {
    expect((await scan({ text: 'Собрание в 18:00 в актовом зале' })).json()).toEqual({
      risk: 'none',
      findings: [],
      worstCases: [],
    });
    const onlyPhones = (
      await scan({ text: 'ИИН 900515201238, тел. +7 701 123 45 67', types: ['phone'] })
    ).json<{ findings: { type: string }[] }>();
    expect(onlyPhones.findings.map((f) => f.type)).toEqual(['phone']);
  });

  it('is for authenticated systems only, and refuses bad input precisely', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/v1/scan', payload: { text: 'x' } })).statusCode,
    ).toBe(401);
    expect((await scan({ text: 'x' }, h.tokens.regulator)).statusCode).toBe(403);
    expect((await scan({ text: 'x'.repeat(65_537) })).json()).toMatchObject({
      status: 400,
      code: 'request.validation',
    });
    expect((await scan({ text: 'x', types: ['horoscope'] })).json()).toMatchObject({
      status: 400,
      code: 'request.validation',
    });
    expect((await scan({ message: 'x' })).json()).toMatchObject({
      status: 400,
      detail: 'body text is required',
    });
  });
});
