/**
 * Lists that are sets say so in the API description. A request body's categories, purposes,
 * systems, recipients and countries name each value once: a repeat is the caller's mistake, and
 * the server refuses it with a 400 naming the field (`uniqueItems`, checked by the route's own
 * schema). This reads the OpenAPI document a composed server serves, so a new route that takes
 * such a list without `uniqueItems` fails here, and the typed client's readers see the rule.
 */
import { describe, expect, it } from 'vitest';
import { serverOpenApi } from '../../packages/client/scripts/openapi.js';

/** Property names of request lists whose values are a set wherever they appear. */
const SET_LISTS = /^(categories|purposes|systems|recipients|legalGrounds|\w*[cC]ountries)$/;

type Schema = Record<string, unknown>;

describe('the OpenAPI document', () => {
  it('marks every request list of categories, purposes, systems, recipients or countries uniqueItems', async () => {
    const document = (await serverOpenApi()) as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, Schema> } }>>;
      components?: { schemas?: Record<string, Schema> };
    };
    const resolve = (schema: Schema): Schema => {
      const ref = schema.$ref;
      if (typeof ref !== 'string') return schema;
      const name = ref.replace('#/components/schemas/', '');
      return resolve(document.components?.schemas?.[name] ?? {});
    };
    const found: string[] = [];
    const missing: string[] = [];
    const walk = (schema: Schema, where: string, seen: Set<Schema>) => {
      const resolved = resolve(schema);
      if (seen.has(resolved)) return;
      seen.add(resolved);
      for (const [name, property] of Object.entries(
        (resolved.properties ?? {}) as Record<string, Schema>,
      )) {
        const inner = resolve(property);
        if (inner.type === 'array' && SET_LISTS.test(name))
          (inner.uniqueItems === true ? found : missing).push(`${where}.${name}`);
        walk(inner, `${where}.${name}`, seen);
      }
      for (const key of ['items', 'anyOf', 'oneOf', 'allOf'] as const) {
        const value = resolved[key];
        for (const part of Array.isArray(value) ? value : value ? [value] : [])
          walk(part as Schema, where, seen);
      }
    };
    for (const [path, methods] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(methods)) {
        const body = operation.requestBody?.content?.['application/json']?.schema;
        if (body) walk(body as Schema, `${method.toUpperCase()} ${path} body`, new Set());
      }
    expect(missing).toEqual([]);
    // The lists this guards, so the walk cannot pass by finding nothing.
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /v1/access-checks body.categories',
        'POST /v1/access-checks/batch body.checks.categories',
        'POST /v1/access-regimes body.systems',
        'POST /v1/consent-requests body.recipients',
        'POST /v1/consent-requests body.storageCountries',
        'POST /v1/registry/systems body.legalGrounds.purposes',
        'PATCH /v1/registry/systems/{systemId} body.categories',
      ]),
    );
  }, 120_000);
});
