/**
 * The operator example (examples/ask-before-read.ts) against a composed server with the demo
 * world, through the typed client: the clinic reads Дана's record (she consented), is refused
 * Тимур's (no consent for the clinic) and reads nothing, and a malformed IIN is a problem with
 * its stable code that never repeats the number.
 */
import { createQalqanClient, QalqanProblemError } from '@qalqan/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDenied, patientRecords } from '../../examples/ask-before-read.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-citizens.js';
import { injectFetch, IN_PROCESS_URL } from '../../src/http/inject-fetch.js';
import { createQalqan, type Qalqan } from '../../src/server.js';
import { copyDemoWorld, type DemoWorldCopy } from '../support/demo-world.js';

const iinOf = (name: string) => DEMO_CITIZENS.find((c) => c.name === name)!.iin;

describe('the operator example: a service that asks before it reads', () => {
  let qalqan: Qalqan;
  let service: ReturnType<typeof patientRecords>;
  let world: DemoWorldCopy;
  beforeAll(async () => {
    world = await copyDemoWorld();
    qalqan = await createQalqan(loadConfig(world.env), { logger: false });
    const { demo } = world;
    const clinic = demo.systems.find((s) => s.system === 'Electronic health record')!;
    const client = createQalqanClient({
      baseUrl: IN_PROCESS_URL,
      apiKey: clinic.apiKey,
      fetch: injectFetch(qalqan.app),
    });
    service = patientRecords(
      client,
      new Map([
        [iinOf('Дана Ержанова'), { name: 'Дана', diagnoses: ['J06.9'] }],
        [iinOf('Тимур Серікбаев'), { name: 'Тимур', diagnoses: ['S93.4'] }],
      ]),
    );
  }, 300_000);
  afterAll(async () => {
    await qalqan.close();
    await world?.remove();
  });

  it('reads a record the patient consented to, after a permit that is in the log', async () => {
    const size = (await qalqan.ledger.ledger.checkpoint()).size;
    expect(await service.read(iinOf('Дана Ержанова'), 'dr-example')).toEqual({
      name: 'Дана',
      diagnoses: ['J06.9'],
    });
    expect((await qalqan.ledger.ledger.checkpoint()).size).toBe(size + 1);
  });

  it('does not read a record without consent, and says why', async () => {
    const denied = await service
      .read(iinOf('Тимур Серікбаев'), 'dr-example')
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AccessDenied);
    expect((denied as AccessDenied).reasons.map((r) => r.code)).toEqual(['consent.none']);
    expect((denied as AccessDenied).checkId).toMatch(/^chk_/);
  });

  it('turns a refused request into a QalqanProblemError with the problem’s code', async () => {
    const bad = '123456789012';
    const refused = await service.read(bad, 'dr-example').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QalqanProblemError);
    expect(refused).toMatchObject({ status: 400, code: 'core.invalid_iin' });
    expect((refused as Error).message).not.toContain(bad);
  });
});
