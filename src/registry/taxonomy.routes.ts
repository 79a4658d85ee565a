import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
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
export function taxonomyRoutes(taxonomy: TaxonomyIndex): FastifyPluginAsync {
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
        return taxonomy.taxonomy;
      },
    );
  };
}
