/**
 * Request validation with two Ajv instances. Query strings, path parameters and headers arrive as
 * text, so they are coerced (`?limit=20` becomes 20). Bodies are JSON and are taken as sent: with
 * coercion, Ajv would turn `null` into `""` or `"1"` into 1 inside a union and let a wrong value
 * through as a different valid one. Neither instance removes unknown properties; schemas refuse them.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * RFC 3339's `date-time`, narrowed to what the server can store: an instant `Date.parse` reads
 * (not a leap second, 23:59:60, which it cannot: `new Date(…).toISOString()` threw, a 500) within
 * years 0000–9999 in UTC (an offset past 9999-12-31 became '+010000-…', which sorts before every
 * instant kept as text).
 */
function storableDateTime(fullDateTime: (value: string) => boolean) {
  return (value: string): boolean => {
    if (!fullDateTime(value)) return false;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && ms <= LAST_INSTANT && new Date(ms).getUTCFullYear() >= 0;
  };
}

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  const rfc3339 = addFormats.default.get('date-time', 'full');
  const validate =
    typeof rfc3339 === 'object' && 'validate' in rfc3339 ? rfc3339.validate : rfc3339;
  if (typeof validate !== 'function') throw new Error('ajv-formats has no date-time check');
  ajv.addFormat('date-time', storableDateTime(validate as (value: string) => boolean));
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = makeAjv({ coerceTypes: false });
  const text = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
