/**
 * Interoperability: Go's golang.org/x/mod/sumdb/tlog and note verify what Qalqan serves — the
 * signed checkpoint, every tile and entry bundle, and the inclusion and consistency proofs — and
 * reject a changed entry, a changed tile hash and a rewritten history.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/app.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { createMemoryLedgerStore } from '../../src/ledger/store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from '../../src/ledger/test-support/fixtures.js';
import { type Served, flipByte, ledgerApp, serve } from '../../src/ledger/test-support/http.js';
import { buildGoVerifier, goUnavailable, runGoVerifier } from './go/go-verifier.js';

const why = goUnavailable();
if (why) console.warn(`Go interoperability test SKIPPED: ${why}`);

describe.skipIf(why !== undefined)('Go tlog/note interoperability', () => {
  const signer = testSigner('interop.qalqan.kz/ledger');
  let dir: string;
  let oldFile: string;
  let binary: string;
  let ledger: Ledger;
  let app: App;
  let served: Served;
  const open: { close(): Promise<void> }[] = [];

  const verify = (url: string, ...extra: string[]) =>
    runGoVerifier(binary, ['-url', url, '-vkey', signer.verifierKey, '-samples', '40', ...extra]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qalqan-go-interop-'));
    oldFile = path.join(dir, 'old-checkpoint.txt');
    binary = buildGoVerifier();
    ledger = await openTestLedger(createMemoryLedgerStore(), signer, {
      batch: { maxEntries: 1000 },
    });
    await appendMany(ledger, 1000);
    writeFileSync(oldFile, (await ledger.checkpoint()).note);
    // Past 65,536 entries: full level-1 tiles and a level-2 tile exist too.
    await appendMany(ledger, 70_000 - 1000, 1000);
    app = await ledgerApp(ledger);
    served = await serve(app);
  }, 300_000);

  afterAll(async () => {
    for (const item of open.reverse()) await item.close();
    await served?.close();
    await app?.close();
    await ledger?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the checkpoint, all tiles and bundles, and Qalqan’s and tlog’s proofs', async () => {
    const run = await verify(served.url, '-old', oldFile);
    expect(run.output).toMatch(
      /^OK go-tlog: size 70000 root [0-9A-Za-z+/=]+, 277 tiles, 42 inclusion and 9 consistency proofs verified, signature by interop\.qalqan\.kz\/ledger$/,
    );
    expect(run.code).toBe(0);
  });

  it('verifies the empty tree against SHA-256("") rather than tlog.TreeHash(0)', async () => {
    const empty = await openTestLedger(createMemoryLedgerStore(), signer);
    const emptyApp = await ledgerApp(empty);
    const emptyServed = await serve(emptyApp);
    open.push(empty, emptyApp, emptyServed);
    const run = await verify(emptyServed.url);
    expect(run).toEqual({
      code: 0,
      output:
        'OK go-tlog: empty tree, root SHA-256(""), signature by interop.qalqan.kz/ledger verified',
    });
  });

  it.each([
    [
      'a changed entry',
      '/ledger/tile/entries/005',
      200,
      /^FAIL go-tlog: entry 1284 does not hash to its leaf in tile ledger\/tile\/0\/005$/,
    ],
    [
      'a changed level-0 tile hash',
      '/ledger/tile/0/100',
      4000,
      /^FAIL go-tlog: entry 25725 does not hash to its leaf/,
    ],
    // Either link of the chain breaks first (Go map order): 0/125 -> 1/0 or 1/0 -> 2/0.
    [
      'a changed level-1 tile hash',
      '/ledger/tile/1/000',
      4000,
      /^FAIL go-tlog: tile (0\/125|1\/0) does not hash to its entry in tile (1|2)\/0$/,
    ],
    [
      'a changed partial tile',
      '/ledger/tile/2/000.p/1',
      7,
      /^FAIL go-tlog: tile 1\/0 does not hash to its entry in tile 2\/0$/,
    ],
    [
      'a forged checkpoint signature',
      '/ledger/checkpoint',
      90,
      /^FAIL go-tlog: checkpoint: note\.Open: /,
    ],
  ])('rejects %s', async (_name, target, at, expected) => {
    const tampered = await serve(app, (p, body) => (p === target ? flipByte(body, at) : undefined));
    open.push(tampered);
    const run = await verify(tampered.url);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(expected);
  });

  it('rejects a rewritten history signed with the same key', async () => {
    const forged = await openTestLedger(createMemoryLedgerStore(), signer, {
      batch: { maxEntries: 1000 },
    });
    await appendMany(forged, 1200, 7); // different records from index 0
    const forgedApp = await ledgerApp(forged);
    const forgedServed = await serve(forgedApp);
    open.push(forged, forgedApp, forgedServed);
    expect((await verify(forgedServed.url)).code).toBe(0); // alone it is a well-formed log
    const run = await verify(forgedServed.url, '-old', oldFile);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /^FAIL go-tlog: tlog consistency proof 1000 -> 1200 does not check \(rewritten history\?\)/,
    );
  });
});
