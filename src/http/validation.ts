/**
 * Request validation with two Ajv instances. Query strings, path parameters and headers arrive as
 * text, so they are coerced (`?limit=20` becomes 20). Bodies are JSON and are taken as sent: with
 * coercion, Ajv would turn `null` into `""` or `"1"` into 1 inside a union and let a wrong value
 * through as a different valid one. Neither instance removes unknown properties; schemas refuse them.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = makeAjv({ coerceTypes: false });
  const text = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
