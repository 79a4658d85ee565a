/**
 * `GET /v1/me/system-names`: the registry's names of systems and their operators, for the
 * portal's pages that hold only ids (a consent's controller and systems, a notification's system)
 * — a citizen reads "Halyk Bank · Online banking", not `op_01J…`. Names come through the registry's
 * read port (adapted in `server.ts`); the portal never reads registry tables. Who runs which system
 * is public in the register of operators, so any signed-in citizen may ask about any system; an
 * unknown id is simply left out.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface SystemNames {
  /** The system's and its operator's registry names now; null for an unknown system. */
  namesOf(systemId: string): Promise<{
    readonly name: string;
    readonly operatorId: string;
    readonly operatorName: { readonly kk: string; readonly ru: string; readonly en: string };
  } | null>;
}

/** Ids asked in one request: more than any page of the portal shows at once. */
export const MAX_NAMED_SYSTEMS = 50;

const Id = '[A-Za-z0-9_.-]{1,40}';

const NamesQuery = Type.Object(
  {
    ids: Type.String({
      pattern: `^${Id}(,${Id}){0,${MAX_NAMED_SYSTEMS - 1}}$`,
      maxLength: MAX_NAMED_SYSTEMS * 41,
      description: `System ids, comma-separated (at most ${MAX_NAMED_SYSTEMS})`,
    }),
  },
  { additionalProperties: false },
);

const Labels = Type.Object({ kk: Type.String(), ru: Type.String(), en: Type.String() });

const NamesAnswer = Type.Object({
  systems: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      operatorId: Type.String(),
      operatorName: Labels,
    }),
  ),
});

export function systemNamesRoutes(names: SystemNames): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/me/system-names',
      {
        config: { allow: ['citizen'] },
        schema: {
          tags: ['portal'],
          summary: 'Registry names of systems and their operators (kk / ru / en), by system id',
          querystring: NamesQuery,
          response: { 200: NamesAnswer },
        },
      },
      async (request) => {
        const ids = [...new Set(request.query.ids.split(','))];
        const found = await Promise.all(
          ids.map(async (id) => {
            const named = await names.namesOf(id);
            return named && { id, ...named, operatorName: { ...named.operatorName } };
          }),
        );
        return { systems: found.filter((s) => s !== null) };
      },
    );
  };
}
