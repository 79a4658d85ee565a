import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../http/app.js';
import type { Ledger } from '../ledger.js';
import { signCheckpoint } from '../checkpoint/checkpoint.js';
import { createMemoryLedgerStore } from '../store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from '../test-support/fixtures.js';
import { type Served, flipByte, ledgerApp, serve } from '../test-support/http.js';
import { verifyRemoteLedger } from './remote-verifier.js';

describe('verifyRemoteLedger', () => {
  const signer = testSigner();
  let ledger: Ledger;
  let app: App;
  let honest: Served;
  let oldNote: string;

  beforeAll(async () => {
    ledger = await openTestLedger(createMemoryLedgerStore(), signer, {
      batch: { maxEntries: 200 },
    });
    await appendMany(ledger, 700);
    oldNote = (await ledger.checkpoint()).note;
    await appendMany(ledger, 66_000 - 700, 700);
    app = await ledgerApp(ledger);
    honest = await serve(app);
  });
  afterAll(async () => {
    await honest.close();
    await app.close();
    await ledger.close();
  });

  it('re-hashes a log spanning full level-1 tiles and checks consistency with an older checkpoint', async () => {
    const progress: number[] = [];
    const result = await verifyRemoteLedger({
      baseUrl: honest.url,
      verifierKey: signer.verifierKey,
      oldCheckpoint: oldNote,
      onProgress: (done) => progress.push(done),
    });
    expect(result.verdict).toMatch(
      /^OK test\.qalqan\.kz\/ledger size 66000 root \S+: 66000 entries re-hashed, tiles and signature by test\.qalqan\.kz\/ledger\+[0-9a-f]{8} verified, consistent with the older checkpoint \(size 700\)$/,
    );
    expect(progress.at(-1)).toBe(258 + 2 + 1);
  }, 60_000);

  it('says when it trusted the key the server published', async () => {
    const result = await verifyRemoteLedger({ baseUrl: honest.url });
    expect(result.ok).toBe(true);
    expect(result.verdict).toMatch(/key taken from the server; pin it with --vkey/);
  });

  it.each([
    ['a changed entry', '/ledger/tile/entries/100', 111, /entry 25602 does not hash to its leaf/],
    ['a changed leaf hash', '/ledger/tile/0/007', 64, /entry 1794 does not hash to its leaf/],
    ['a changed level-1 tile hash', '/ledger/tile/1/000', 320, /tile tile\/1\/000 does not match/],
    [
      'a changed partial tile',
      '/ledger/tile/1/001.p/1',
      5,
      /tile tile\/1\/001\.p\/1 does not match/,
    ],
    ['a forged checkpoint', '/ledger/checkpoint', 30, /the served checkpoint does not verify/],
  ])(
    'fails on %s',
    async (_name, target, at, reason) => {
      const tampered = await serve(app, (path, body) =>
        path === target ? flipByte(body, at) : undefined,
      );
      try {
        const result = await verifyRemoteLedger({
          baseUrl: tampered.url,
          verifierKey: signer.verifierKey,
        });
        expect(result.ok).toBe(false);
        expect(result.failure).toBe('invalid');
        expect(result.verdict).toMatch(reason);
      } finally {
        await tampered.close();
      }
    },
    60_000,
  );

  it('could not run, rather than failed, when the server is unavailable; a withheld tile fails', async () => {
    // A front end answering one request with `status`, as an overloaded proxy or a sequencer-less
    // standby would: a 5xx, 429 or 408 says nothing about the log, a 404 for a tile the signed
    // checkpoint commits to does.
    const answering =
      (target: string, status: number): typeof fetch =>
      (input, init) =>
        (input instanceof Request ? input.url : input.toString()).endsWith(target)
          ? Promise.resolve(new Response('{}', { status }))
          : fetch(input, init);
    for (const [target, status, failure] of [
      ['/ledger/checkpoint', 503, 'unreachable'],
      ['/ledger/tile/entries/100', 502, 'unreachable'],
      ['/ledger/tile/1/000', 429, 'unreachable'],
      ['/ledger/tile/0/007', 408, 'unreachable'],
      ['/ledger/tile/0/007', 404, 'invalid'],
    ] as const) {
      const result = await verifyRemoteLedger({
        baseUrl: honest.url,
        verifierKey: signer.verifierKey,
        fetch: answering(target, status),
      });
      expect(result.ok).toBe(false);
      expect(result.failure, `${target} answering ${status}`).toBe(failure);
      expect(result.verdict).toContain(`${target} answered ${status}`);
    }
  }, 120_000);

  it('answers at once when a signed checkpoint claims 2^53 - 1 entries it cannot serve', async () => {
    const huge = signCheckpoint(
      { origin: signer.name, size: Number.MAX_SAFE_INTEGER, root: Buffer.alloc(32, 1) },
      signer,
    ).note;
    const result = await verifyRemoteLedger({
      baseUrl: honest.url,
      verifierKey: signer.verifierKey,
      fetch: (input, init) =>
        (input instanceof Request ? input.url : input.toString()).endsWith('/ledger/checkpoint')
          ? Promise.resolve(new Response(huge))
          : fetch(input, init),
    });
    expect(result.failure).toBe('invalid');
    expect(result.verdict).toMatch(/tile\/entries\/257 answered 404$/);
  }, 10_000);

  it('fails on a rewritten history signed with the same key', async () => {
    const other = await openTestLedger(createMemoryLedgerStore(), signer);
    await appendMany(other, 900, 1); // same key, different entries from index 0
    const otherApp = await ledgerApp(other);
    const served = await serve(otherApp);
    try {
      const alone = await verifyRemoteLedger({
        baseUrl: served.url,
        verifierKey: signer.verifierKey,
      });
      expect(alone.ok).toBe(true);
      const result = await verifyRemoteLedger({
        baseUrl: served.url,
        verifierKey: signer.verifierKey,
        oldCheckpoint: oldNote,
      });
      expect(result.verdict).toMatch(
        /FAIL .*history was rewritten: the first 700 entries no longer hash to the older checkpoint's root/,
      );
    } finally {
      await served.close();
      await otherApp.close();
      await other.close();
    }
  });

  it('fails on a shrunk log and on the wrong key, and reports an unreachable server', async () => {
    const shrunk = await verifyRemoteLedger({
      baseUrl: honest.url,
      verifierKey: signer.verifierKey,
      oldCheckpoint: (await ledger.checkpoint()).note.replace('66000', '70000'),
    });
    expect(shrunk.verdict).toMatch(/older checkpoint does not verify: invalid signature/);
    const wrongKey = await verifyRemoteLedger({
      baseUrl: honest.url,
      verifierKey: testSigner().verifierKey,
    });
    expect(wrongKey.verdict).toMatch(
      /served checkpoint does not verify: .*not signed by a known key/,
    );
    const down = await verifyRemoteLedger({
      baseUrl: 'http://127.0.0.1:9',
      verifierKey: signer.verifierKey,
    });
    expect(down.failure).toBe('unreachable');
    expect(down.verdict).toMatch(
      /^FAIL http:\/\/127\.0\.0\.1:9: cannot fetch http:\/\/127\.0\.0\.1:9\/ledger\/checkpoint/,
    );
  });
});
