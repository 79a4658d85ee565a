/**
 * U+0000 in the monitoring centre's free text and ids. PostgreSQL text cannot hold it (a fuzzed
 * `DELETE …/<id>%00` once answered 500 there), so every such field must be a 400 naming it, on both
 * engines. The HTTP shell refuses it in every JSON string and key, query and path parameter before
 * any route runs (`http/body-parsers.ts`, `http/app.ts`), so the schemas carry no pattern of their
 * own for it: this holds the shell to that for each text field of `response.schema.ts`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import { asStaff, type ResponseHarness, responseHarness } from './test-support/response-app.js';

type Method = 'POST' | 'PUT' | 'DELETE';
const NUL = 'a\u0000b';
const op = '/v1/monitor/operators/op_nul';
const refused: readonly [Method, string, string, Record<string, unknown>][] = [
  ['POST', '/v1/monitor/honeytokens', 'label', { iin: '1', label: NUL }],
  ['POST', '/v1/monitor/protected-persons', 'label', { iin: '1', label: NUL }],
  ['PUT', `${op}/working-hours`, 'timeZone', { timeZone: NUL }],
  ['POST', `${op}/terminated-actors`, 'actorId', { actorId: NUL }],
  ['POST', `${op}/staff`, 'actorId', { iin: '1', actorId: NUL }],
  ['POST', `${op}/staff`, 'label', { iin: '1', label: NUL }],
  ['POST', `${op}/staff/batch`, 'entries.1.label', { entries: [{ iin: '1' }, { label: NUL }] }],
  ['POST', '/v1/monitor/systems/sys_nul/destinations', 'note', { country: 'KZ', note: NUL }],
  ['POST', '/v1/monitor/responses', 'actorId', { actorId: NUL }],
  ['POST', '/v1/monitor/responses', 'note', { note: NUL }],
  ['POST', '/v1/monitor/responses/rsp_nul/confirm', 'reason', { reason: NUL }],
  ['POST', '/v1/monitor/responses/rsp_nul/reject', 'reason', { reason: NUL }],
  ['POST', '/v1/monitor/responses/rsp_nul/lift', 'reason', { reason: NUL }],
  ['POST', '/v1/monitor/incidents', 'title', { title: NUL }],
  ['POST', '/v1/monitor/incidents', 'jurisdiction', { title: 'x', jurisdiction: NUL }],
  ['POST', '/v1/monitor/incidents/inc_nul/notify-authority', 'note', { note: NUL }],
  ['POST', '/v1/monitor/incidents/inc_nul/close', 'note', { note: NUL }],
];

describeStorage('monitoring text refuses U+0000', (fx) => {
  let h: ResponseHarness;
  beforeAll(async () => {
    h = await responseHarness(fx.storage);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(refused)(
    '%s %s: U+0000 in body %s is a 400 naming it',
    async (method, url, field, body) => {
      // The regulator for operator data, the SOC for its own lists, responses and incidents.
      const role =
        url.startsWith('/v1/monitor/operators/') || url.startsWith('/v1/monitor/systems/')
          ? 'regulator'
          : 'soc';
      const response = await h.app.inject({ method, url, headers: asStaff(role), payload: body });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'request.validation',
        detail: `body ${field} must not contain the NUL character (U+0000)`,
        errors: [{ in: 'body', field }],
      });
    },
  );

  it('a path parameter with U+0000 is a 400 naming it', async () => {
    const response = await h.app.inject({
      method: 'DELETE',
      url: `${op}/terminated-actors/a%00b`,
      headers: asStaff('regulator'),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'request.validation',
      errors: [{ in: 'params', field: 'actorId' }],
    });
  });
});
