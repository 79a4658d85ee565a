/**
 * A route that answers 204 says so in the API description. Fastify documents a route without a
 * response schema as `200 Default Response`, so a handler that ends with `reply.status(204)` and
 * declares nothing is described as answering 200 with a body: the typed client's callers then
 * read a body that never comes. This reads each route module's source for the routes whose
 * handler answers 204 and holds the OpenAPI document a composed server serves to say exactly that.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverOpenApi } from '../../packages/client/scripts/openapi.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** `[METHOD, /openapi/{path}]` of every route whose handler answers 204, from the sources. */
function routesAnswering204(): string[] {
  const found: string[] = [];
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => /routes?\.ts$/.test(file) && !file.endsWith('.test.ts'),
  );
  for (const file of files) {
    const source = readFileSync(path.join(SRC, file), 'utf8');
    // Each registration runs to the next one: `app.post(\n  '/v1/…',` … handler …
    const registrations = [...source.matchAll(/\bapp\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)];
    registrations.forEach((match, i) => {
      const end = registrations[i + 1]?.index ?? source.length;
      const body = source.slice(match.index, end);
      if (/\.(status|code)\(204\)/.test(body))
        found.push(`${match[1]!.toUpperCase()} ${match[2]!.replace(/:(\w+)/g, '{$1}')}`);
    });
  }
  return found.sort();
}

describe('the OpenAPI document', () => {
  it('describes every route that answers 204 as answering 204, and nothing else', async () => {
    const document = (await serverOpenApi()) as unknown as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const routes = routesAnswering204();
    // The routes this guards, so the scan cannot pass by finding nothing.
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/staff/sign-out',
        'POST /v1/portal/sign-out',
        'POST /v1/me/inbox/{id}/read',
      ]),
    );
    const described = routes.map((route) => {
      const [method, where] = route.split(' ') as [string, string];
      const responses = document.paths[where]?.[method.toLowerCase()]?.responses ?? {};
      return `${route}: ${Object.keys(responses)
        .filter((status) => status.startsWith('2'))
        .join(', ')}`;
    });
    expect(described).toEqual(routes.map((route) => `${route}: 204`));
  });
});
