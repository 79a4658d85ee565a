/**
 * `POST /v1/scan`: a messenger or bot asks, before sending a message, whether it carries personal
 * data. The answer lists what was found (masked, with keyed hashes that correlate across calls of
 * this deployment), how risky the message is, and a suggestion to use a consent request instead.
 * The text itself is neither stored nor logged.
 */
import { hkdfSync } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { literalUnion } from '../http/schemas.js';
import type { RoutePlugin } from '../http/app.js';
import { checkMessage } from './api.js';
import { createEngine, type Engine } from './engine.js';
import { createValueHasher } from './mask.js';
import { type Finding, PII_TYPES, type PiiType } from './types.js';

export const MAX_SCAN_TEXT = 65_536;

const PiiTypeSchema = literalUnion(PII_TYPES);
const ScanRequest = Type.Object(
  {
    text: Type.String({
      maxLength: MAX_SCAN_TEXT,
      description: 'The message to check (not stored)',
    }),
    types: Type.Optional(
      Type.Array(PiiTypeSchema, { minItems: 1, maxItems: PII_TYPES.length, uniqueItems: true }),
    ),
    minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

const FindingSchema = Type.Object({
  type: PiiTypeSchema,
  category: Type.String(),
  subtype: Type.Optional(Type.String()),
  score: Type.Number(),
  validated: Type.Boolean({ description: 'A checksum proved the value' }),
  masked: Type.String({ description: 'The value with most characters replaced by *' }),
  hash: Type.String({
    description: 'Keyed hash: equal values give equal hashes within this deployment',
  }),
  start: Type.Integer({ description: 'UTF-16 offset in text' }),
  end: Type.Integer(),
});
const Labels = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });
const ScanResponse = Type.Object({
  risk: Type.Union([
    Type.Literal('none'),
    Type.Literal('personal-data'),
    Type.Literal('special-category'),
    Type.Literal('identifier-with-health'),
  ]),
  findings: Type.Array(FindingSchema),
  worstCases: Type.Array(
    Type.Object({ identifier: Type.Integer(), health: Type.Integer(), reason: Type.String() }),
    {
      description:
        'Pairs of findings (indexes into findings): an identifier with health data nearby',
    },
  ),
  suggestion: Type.Optional(Labels),
});

export interface ScanRoutesOptions {
  /** Server secret from which the value-hash key is derived. */
  readonly lookupKey: Buffer;
}

export function scanRoutes(options: ScanRoutesOptions): RoutePlugin {
  const hasher = createValueHasher(
    Buffer.from(
      hkdfSync('sha256', options.lookupKey, Buffer.alloc(0), 'qalqan/scan-value-hash/v1', 32),
    ),
  );
  const defaultEngine = createEngine({});
  const engines = new Map<string, Engine>();
  const engineFor = (
    types: readonly PiiType[] | undefined,
    minScore: number | undefined,
  ): Engine => {
    if (types === undefined && minScore === undefined) return defaultEngine;
    const key = `${[...(types ?? PII_TYPES)].sort().join(',')}@${minScore ?? ''}`;
    let engine = engines.get(key);
    if (!engine) {
      engine = createEngine({
        ...(types ? { types } : {}),
        ...(minScore !== undefined ? { minScore } : {}),
      });
      // The selections clients use are few; cap the cache so odd requests cannot grow it.
      if (engines.size < 64) engines.set(key, engine);
    }
    return engine;
  };

  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    app.post(
      '/v1/scan',
      {
        config: { allow: ['system'] },
        schema: {
          tags: ['scan'],
          summary: 'Check a message for personal data before it is sent',
          body: ScanRequest,
          response: { 200: ScanResponse },
        },
      },
      async (request, reply) => {
        const { text, types, minScore } = request.body;
        const check = checkMessage(text, {
          engine: engineFor(types, minScore),
          hasher,
          source: '<message>',
        });
        const findings = check.findings.map(
          ({ type, category, subtype, score, validated, masked, hash, start, end }) => ({
            type,
            category,
            ...(subtype !== undefined ? { subtype } : {}),
            score,
            validated,
            masked,
            hash,
            start,
            end,
          }),
        );
        const indexOf = (finding: Finding) =>
          check.findings.findIndex(
            (f) => f.type === finding.type && f.location.offset === finding.location.offset,
          );
        const worstCases = check.worstCases.map((c) => ({
          identifier: indexOf(c.identifier),
          health: indexOf(c.health),
          reason: c.reason,
        }));
        reply.header('cache-control', 'no-store');
        return {
          risk: check.risk,
          findings,
          worstCases,
          ...(check.suggestion ? { suggestion: check.suggestion } : {}),
        };
      },
    );
  };
  return { name: 'scan', plugin };
}
