import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../http/app.js';
import { openCheckpoint } from './checkpoint/checkpoint.js';
import { parseVerifierKey } from './checkpoint/note.js';
import type { Ledger } from './ledger.js';
import { ledgerRoutes } from './ledger.routes.js';
import { createMemoryLedgerStore } from './store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from './test-support/fixtures.js';
import { hashFromBase64, leafHash } from './tree/hash.js';
import { verifyConsistency, verifyInclusion } from './tree/proofs.js';
import { decodeEntryBundle } from './tree/tiles.js';

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};

describe('ledger routes', () => {
  let app: App;
  let ledger: Ledger;

  beforeAll(async () => {
    ledger = await openTestLedger(createMemoryLedgerStore(), testSigner());
    await appendMany(ledger, 300);
    app = await buildApp({
      config,
      checkReady: () => Promise.resolve(),
      routes: [ledgerRoutes(ledger)],
      logger: false,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await ledger.close();
  });

  it('serves the signed checkpoint and the verifier key as text, publicly', async () => {
    const vkey = await app.inject('/ledger/vkey');
    expect(vkey.headers['content-type']).toBe('text/plain; charset=utf-8');
    const verifier = parseVerifierKey(vkey.body);
    const res = await app.inject('/ledger/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=2');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // Public: other origins may read it, although every other answer is same-origin only.
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    // Tests run shuffled and another one appends more: the served size is the ledger's, at least 300.
    const served = openCheckpoint(res.body, verifier).size;
    expect(served).toBe((await ledger.checkpoint()).size);
    expect(served).toBeGreaterThanOrEqual(300);
  });

  it('serves full tiles immutable and partial tiles and bundles as octet streams', async () => {
    const full = await app.inject('/ledger/tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.rawPayload.length).toBe(256 * 32);
    const partial = await app.inject('/ledger/tile/0/001.p/44');
    expect(partial.headers['cache-control']).toBe('public, max-age=60');
    const narrower = await app.inject('/ledger/tile/0/000.p/3');
    expect(narrower.rawPayload).toEqual(full.rawPayload.subarray(0, 96));
    const bundle = await app.inject('/ledger/tile/entries/001.p/44');
    const entries = decodeEntryBundle(bundle.rawPayload)!;
    expect(entries).toHaveLength(44);
    expect(Buffer.from(leafHash(entries[43]!))).toEqual(partial.rawPayload.subarray(43 * 32));
    expect((await app.inject('/ledger/tile/1/000.p/1')).rawPayload.length).toBe(32);
  });

  it('answers malformed tile paths 400 and missing tiles 404, as problem details', async () => {
    for (const path of [
      '/ledger/tile/0/1',
      '/ledger/tile/0/001.p/256',
      '/ledger/tile/data/000',
      '/ledger/tile/0/x000/001',
      '/ledger/tile/',
    ]) {
      const res = await app.inject(path);
      expect(res.statusCode, path).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ code: 'ledger.bad_tile_path' });
    }
    for (const path of [
      '/ledger/tile/0/001',
      // Wider than the stored partial tile, whether the log holds 300 entries or 320 (tests run shuffled).
      '/ledger/tile/0/001.p/65',
      '/ledger/tile/entries/002.p/1',
      '/ledger/tile/2/000.p/1',
    ]) {
      const res = await app.inject(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ledger.tile_not_found' });
    }
  });

  it('serves inclusion and consistency proofs in base64 that verify', async () => {
    const cp = await ledger.checkpoint();
    const res = await app.inject('/v1/ledger/proof/inclusion?index=123&size=300');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const body = res.json<{ index: number; size: number; hashes: string[] }>();
    const bundle = decodeEntryBundle((await app.inject('/ledger/tile/entries/000')).rawPayload)!;
    const hashes = body.hashes.map((h) => hashFromBase64(h)!);
    expect(verifyInclusion(123, 300, leafHash(bundle[123]!), hashes, cp.root)).toBe(true);

    const old = await ledger.checkpoint();
    await appendMany(ledger, 20, 300);
    const now = await ledger.checkpoint();
    const consistency = await app.inject(`/v1/ledger/proof/consistency?from=${old.size}`);
    const c = consistency.json<{ from: number; to: number; hashes: string[] }>();
    expect(c.to).toBe(320);
    expect(
      verifyConsistency(
        old.size,
        now.size,
        old.root,
        now.root,
        c.hashes.map((h) => hashFromBase64(h)!),
      ),
    ).toBe(true);
  });

  it('answers bad proof requests 400 with a code, never 500', async () => {
    const cases: [string, string][] = [
      ['/v1/ledger/proof/inclusion?index=5000', 'ledger.index_out_of_range'],
      ['/v1/ledger/proof/inclusion?index=1&size=99999', 'ledger.size_beyond_tree'],
      ['/v1/ledger/proof/inclusion?index=abc', 'request.validation'],
      ['/v1/ledger/proof/inclusion?index=-1', 'request.validation'],
      ['/v1/ledger/proof/inclusion', 'request.validation'],
      ['/v1/ledger/proof/inclusion?index=1&extra=2', 'request.validation'],
      ['/v1/ledger/proof/inclusion?index=99999999999999999999', 'request.validation'],
      ['/v1/ledger/proof/consistency?from=0&to=5', 'request.validation'],
      ['/v1/ledger/proof/consistency?from=9&to=5', 'ledger.bad_proof_range'],
      ['/v1/ledger/proof/consistency?from=5&to=100000', 'ledger.size_beyond_tree'],
    ];
    for (const [url, code] of cases) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code });
    }
  });

  it('answers every route cross-origin with the cache docs/LEDGER.md lists, errors cross-origin too', async () => {
    const cases: [string, number, string | undefined][] = [
      ['/ledger/vkey', 200, 'public, max-age=3600'],
      ['/ledger/tile/0/000', 200, 'public, max-age=31536000, immutable'],
      ['/ledger/tile/entries/000', 200, 'public, max-age=31536000, immutable'],
      ['/ledger/tile/entries/001.p/1', 200, 'public, max-age=60'],
      ['/v1/ledger/proof/inclusion?index=1', 200, 'public, max-age=2'],
      ['/v1/ledger/proof/consistency?from=1&to=10', 200, 'public, max-age=31536000, immutable'],
      ['/v1/ledger/proof/consistency?from=1', 200, 'public, max-age=2'],
      // A browser verifier must be able to read why, not meet an opaque CORS failure.
      ['/ledger/tile/0/009', 404, undefined],
      ['/ledger/tile/0/1', 400, undefined],
      ['/v1/ledger/proof/inclusion?index=99999', 400, undefined],
      ['/v1/ledger/proof/consistency?from=0', 400, undefined],
    ];
    for (const [url, status, cache] of cases) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
      expect(res.headers['cache-control'], url).toBe(cache);
    }
  });

  it('lists the routes in the OpenAPI document', async () => {
    const doc = (await app.inject('/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/ledger/checkpoint',
        '/ledger/vkey',
        '/ledger/tile/{*}',
        '/v1/ledger/proof/inclusion',
        '/v1/ledger/proof/consistency',
      ]),
    );
  });
});
