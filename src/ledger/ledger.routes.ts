/**
 * The ledger's public HTTP surface: the C2SP tlog-tiles layout under `/ledger/` (checkpoint,
 * tiles, entry bundles), the note verifier key, and JSON proofs under `/v1/ledger/proof/`.
 * Everything is public and cacheable; full tiles and bundles never change, so they are served
 * `immutable` for a year. Cross-origin reads are allowed so third-party web verifiers can fetch.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import type { RoutePlugin } from '../http/app.js';
import { ProblemSchema } from '../http/schemas.js';
import type { Ledger } from './ledger.js';
import {
  BinaryBody,
  ConsistencyProofSchema,
  ConsistencyQuery,
  InclusionProofSchema,
  InclusionQuery,
  TextBody,
} from './ledger.schema.js';
import { hashToBase64 } from './tree/hash.js';
import { TILE_WIDTH, parseTilePath } from './tree/tiles.js';

const tags = ['ledger'];
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Checkpoints change with every batch; verifiers poll, so let caches absorb bursts only briefly. */
const CHECKPOINT_CACHE = 'public, max-age=2';
/** A partial tile's bytes never change either, but it is replaced by wider ones; keep it short. */
const PARTIAL_CACHE = 'public, max-age=60';
const TEXT = 'text/plain; charset=utf-8';
const BINARY = 'application/octet-stream';

function cacheFor(reply: FastifyReply, cache: string): FastifyReply {
  return reply.header('cache-control', cache);
}

const text = (description: string) => ({ description, content: { [TEXT]: { schema: TextBody } } });
const binary = (description: string) => ({
  description,
  content: { [BINARY]: { schema: BinaryBody } },
});

export function ledgerRoutesPlugin(ledger: Ledger): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Every answer of these routes is readable cross-origin, errors too: a browser verifier
    // polling for a tile the tree does not have yet must see the 404, not an opaque CORS failure.
    // Set at the start (this plugin's routes only), so a thrown error's problem answer keeps it.
    app.addHook('onRequest', (_request, reply, done) => {
      reply
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin');
      done();
    });

    app.get(
      '/ledger/checkpoint',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
          response: {
            200: text('origin, tree size, base64 root hash, blank line, Ed25519 signature'),
            503: ProblemSchema,
          },
        },
      },
      async (_request, reply) => {
        const checkpoint = await ledger.checkpoint();
        return cacheFor(reply, CHECKPOINT_CACHE).type(TEXT).send(checkpoint.note);
      },
    );

    app.get(
      '/ledger/vkey',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'The note verifier key of the checkpoint signer (name+hex8+base64)',
          response: { 200: text('C2SP signed-note verifier key') },
        },
      },
      async (_request, reply) =>
        cacheFor(reply, 'public, max-age=3600').type(TEXT).send(`${ledger.verifierKey}\n`),
    );

    app.get(
      '/ledger/tile/*',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary:
            'A tile (tile/<L>/<N>[.p/<W>]) or an entry bundle (tile/entries/<N>[.p/<W>]), C2SP tlog-tiles',
          params: Type.Object({ '*': Type.String() }),
          response: {
            200: binary(
              'Hashes (32 bytes each), or entries each prefixed by a 2-byte big-endian length',
            ),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const rest = request.params['*'];
        const path = `tile/${rest}`;
        const tile = parseTilePath(path);
        if (!tile) {
          throw new DomainError(
            'ledger.bad_tile_path',
            `'${path.slice(0, 80)}' is not a tile path: use tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>], N as x001/x234/067.`,
          );
        }
        const bytes =
          tile.kind === 'entries'
            ? await ledger.entryBundle(tile.index, tile.width)
            : await ledger.tile(tile.level, tile.index, tile.width);
        if (!bytes)
          throw new DomainError('ledger.tile_not_found', `The ledger has no ${path} (yet).`);
        return cacheFor(reply, tile.width === TILE_WIDTH ? IMMUTABLE : PARTIAL_CACHE)
          .type(BINARY)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    );

    app.get(
      '/v1/ledger/proof/inclusion',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'Inclusion proof of a leaf in a tree size (RFC 9162)',
          querystring: InclusionQuery,
          response: { 200: InclusionProofSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { index, size } = request.query;
        const proof = await ledger.proveInclusion(index, size);
        cacheFor(reply, size === undefined ? CHECKPOINT_CACHE : IMMUTABLE);
        return { index: proof.index, size: proof.size, hashes: proof.hashes.map(hashToBase64) };
      },
    );

    app.get(
      '/v1/ledger/proof/consistency',
      {
        config: { allow: ['public'] },
        schema: {
          tags,
          summary: 'Consistency proof between two tree sizes (RFC 9162)',
          querystring: ConsistencyQuery,
          response: { 200: ConsistencyProofSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { from, to } = request.query;
        const proof = await ledger.proveConsistency(from, to);
        cacheFor(reply, to === undefined ? CHECKPOINT_CACHE : IMMUTABLE);
        return { from: proof.from, to: proof.to, hashes: proof.hashes.map(hashToBase64) };
      },
    );
  };
}

/** The ledger's contribution to `buildApp({ routes })`. */
export function ledgerRoutes(ledger: Ledger): RoutePlugin {
  return { name: 'ledger', plugin: ledgerRoutesPlugin(ledger) };
}
