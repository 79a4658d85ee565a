/**
 * Request validation with two Ajv instances. Query strings, path parameters and headers arrive as
 * text, so they are coerced (`?limit=20` becomes 20). Bodies are JSON and are taken as sent: with
 * coercion, Ajv would turn `null` into `""` or `"1"` into 1 inside a union and let a wrong value
 * through as a different valid one. Neither instance removes unknown properties; schemas refuse them.
 *
 * One value is rewritten: every `date-time` becomes the canonical UTC instant of
 * `core/instant.ts`, because stored instants are compared as text. Done here, once, for every
 * route, so no module can forget it.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { canonicalInstant } from '../core/instant.js';

/** The keyword the compiler adds beside every `format: date-time` of a route's schema. */
const CANONICAL_INSTANT = 'x-qalqan-canonical-instant';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  // RFC 3339's date-time, narrowed to instants with a canonical form: not a leap second (no
  // JavaScript Date holds 23:59:60, and a route's `new Date(…).toISOString()` threw, a 500), and
  // within years 0000–9999 once the offset is applied (past that, `+010000-…` sorts as text before
  // every instant stored).
  ajv.addFormat('date-time', (value: string) => canonicalInstant(value) !== undefined);
  ajv.addKeyword({
    keyword: CANONICAL_INSTANT,
    modifying: true,
    schemaType: 'boolean',
    validate: (
      enabled: boolean,
      data: unknown,
      _schema: unknown,
      context?: {
        parentData: Record<string | number, unknown>;
        parentDataProperty: string | number;
      },
    ) => {
      // What is no date-time is left to the format, which names it; the keyword only rewrites.
      const instant = typeof data === 'string' ? canonicalInstant(data) : undefined;
      if (enabled && instant !== undefined && context)
        context.parentData[context.parentDataProperty] = instant;
      return true;
    },
  });
  return ajv;
}

/**
 * A copy of `schema` with the canonical-instant keyword beside every `format: date-time`, at any
 * depth. The route keeps its own schema, so the OpenAPI document is unchanged.
 */
export function withCanonicalInstants(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withCanonicalInstants);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = withCanonicalInstants(value);
  if (copy.format === 'date-time') copy[CANONICAL_INSTANT] = true;
  return copy;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = makeAjv({ coerceTypes: false });
  const text = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? body : text).compile(withCanonicalInstants(schema) as object);
}
