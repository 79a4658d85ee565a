import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fc from 'fast-check';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, buildApp } from './app.js';
import { canonicalInstant } from '../core/instant.js';
import { withCanonicalInstants } from './validation.js';

describe('canonical instants', () => {
  it('writes every RFC 3339 date-time as UTC milliseconds, and refuses what it cannot write so', () => {
    expect(canonicalInstant('2027-12-31T00:00:00+05:00')).toBe('2027-12-30T19:00:00.000Z');
    expect(canonicalInstant('2027-12-31t00:00:00z')).toBe('2027-12-31T00:00:00.000Z');
    expect(canonicalInstant('2027-12-31T00:00:00.123456789Z')).toBe('2027-12-31T00:00:00.123Z');
    expect(canonicalInstant('2027-12-31T00:00:00.000Z')).toBe('2027-12-31T00:00:00.000Z');
    for (const refused of [
      '2027-02-30T00:00:00Z', // no such day (Date.parse would roll it over to 2 March)
      '2027-12-31T23:59:60Z', // a leap second: no JavaScript Date holds it
      '9999-12-31T23:59:59-01:00', // year 10000
      '0000-01-01T00:00:00+01:00', // year -1
      '2027-12-31', // a date is not an instant
      'soon',
    ])
      expect(canonicalInstant(refused), refused).toBeUndefined();
  });

  it('orders as text exactly as the instants order (the property stored text relies on)', () => {
    const offset = fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
      .map(([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const written = fc
      .tuple(
        fc.date({
          min: new Date('1970-01-02T00:00:00Z'),
          max: new Date('9999-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.oneof(fc.constant('Z'), fc.constant('z'), offset),
        fc.boolean(),
      )
      .map(([date, zone, fraction]) => {
        const shift =
          zone === 'Z' || zone === 'z'
            ? 0
            : (zone[0] === '+' ? 1 : -1) *
              (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) *
              60_000;
        const local = new Date(date.getTime() + shift).toISOString().slice(0, fraction ? 23 : 19);
        return {
          text: `${local}${zone}`,
          ms: fraction ? date.getTime() : Math.floor(date.getTime() / 1000) * 1000,
        };
      });
    fc.assert(
      fc.property(written, written, (a, b) => {
        const ca = canonicalInstant(a.text);
        const cb = canonicalInstant(b.text);
        expect(ca).toBe(new Date(a.ms).toISOString());
        expect(ca! < cb!).toBe(a.ms < b.ms);
      }),
    );
  });

  it('marks every date-time of a schema at any depth, leaving the route’s own schema as it was', () => {
    const schema = Type.Object({
      at: Type.String({ format: 'date-time' }),
      list: Type.Array(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
      name: Type.String(),
    });
    const before = JSON.stringify(schema);
    const marked = JSON.stringify(withCanonicalInstants(schema));
    expect(JSON.stringify(schema)).toBe(before);
    expect(marked.match(/x-qalqan-canonical-instant/g)).toHaveLength(2);
  });
});

describe('date-times reach the routes canonical', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const routes: FastifyPluginAsyncTypebox = async (instance) => {
    instance.post(
      '/v1/windows',
      {
        config: { allow: ['public'] },
        schema: {
          body: Type.Object({
            from: Type.String({ format: 'date-time' }),
            until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
            at: Type.Array(Type.String({ format: 'date-time' })),
          }),
          querystring: Type.Object({ since: Type.Optional(Type.String({ format: 'date-time' })) }),
        },
      },
      async (request) => ({ body: request.body, query: request.query }),
    );
  };

  async function makeApp(): Promise<App> {
    app = await buildApp({
      config: {
        logLevel: 'silent',
        bodyLimit: 64 * 1024,
        trustProxy: false,
        metricsToken: undefined,
      },
      checkReady: async () => undefined,
      routes: [{ name: 'windows', plugin: routes }],
      logger: false,
    });
    await app.ready();
    return app;
  }

  it('in a body at any depth and in a query string', async () => {
    const a = await makeApp();
    const response = await a.inject({
      method: 'POST',
      url: `/v1/windows?since=${encodeURIComponent('2027-01-01T05:00:00+05:00')}`,
      payload: {
        from: '2027-12-31T00:00:00+05:00',
        until: '2028-01-01t00:00:00z',
        at: ['2027-06-30T12:00:00.5-03:00'],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      body: {
        from: '2027-12-30T19:00:00.000Z',
        until: '2028-01-01T00:00:00.000Z',
        at: ['2027-06-30T15:00:00.500Z'],
      },
      query: { since: '2027-01-01T00:00:00.000Z' },
    });
  });

  it('a leap second, a year past 9999 or no such day is a 400 naming the field', async () => {
    const a = await makeApp();
    for (const [from, field] of [
      ['2027-12-31T23:59:60Z', 'from'],
      ['9999-12-31T23:30:00-01:00', 'from'],
      ['2027-02-30T00:00:00Z', 'from'],
    ] as const) {
      const response = await a.inject({
        method: 'POST',
        url: '/v1/windows',
        payload: { from, at: [] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'request.validation',
        errors: [{ in: 'body', field, message: 'must match format "date-time"' }],
      });
    }
  });
});
