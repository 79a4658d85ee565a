import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { TaxonomyIndex } from '../core/taxonomy.js';

const LabelsOut = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });

const TaxonomyResponse = Type.Object({
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      special: Type.Boolean(),
      staysInCountry: Type.Boolean(),
      labels: LabelsOut,
    }),
  ),
  legalBases: Type.Array(
    Type.Object({ code: Type.String(), requiresReference: Type.Boolean(), labels: LabelsOut }),
  ),
  purposes: Type.Array(
    Type.Object({
      code: Type.String(),
      categories: Type.Array(Type.String()),
      legalBases: Type.Array(Type.String()),
      labels: LabelsOut,
    }),
  ),
  adequateCountries: Type.Array(Type.String()),
});

/** The taxonomy is public: every operator and citizen should read the same definitions. */
export function taxonomyRoutes(taxonomy: TaxonomyIndex): FastifyPluginAsyncTypebox {
  // The taxonomy is frozen with read-only arrays; the answer is a copy shaped by the schema.
  const { categories, legalBases, purposes, adequateCountries } = taxonomy.taxonomy;
  const answer: Static<typeof TaxonomyResponse> = {
    categories: categories.map((c) => ({
      code: c.code,
      special: c.special,
      staysInCountry: c.staysInCountry,
      labels: c.labels,
    })),
    legalBases: legalBases.map((b) => ({
      code: b.code,
      requiresReference: b.requiresReference,
      labels: b.labels,
    })),
    purposes: purposes.map((p) => ({
      code: p.code,
      categories: [...p.categories],
      legalBases: [...p.legalBases],
      labels: p.labels,
    })),
    adequateCountries: [...adequateCountries],
  };
  return async (app) => {
    app.get(
      '/v1/taxonomy',
      {
        config: { allow: ['public'] },
        schema: {
          tags: ['registry'],
          summary: 'Data categories, legal bases, purposes and adequate countries',
          response: { 200: TaxonomyResponse },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        return answer;
      },
    );
  };
}
