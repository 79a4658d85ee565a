import { describe, expect, it } from 'vitest';
import { signCheckpoint } from './checkpoint/checkpoint.js';
import { parseVerifierKey } from './checkpoint/note.js';
import { checkIntegrity } from './integrity.js';
import { type MemoryLedgerStore, createMemoryLedgerStore } from './store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from './test-support/fixtures.js';
import { leafHash } from './tree/hash.js';

async function filledStore(size: number) {
  const store = createMemoryLedgerStore();
  const signer = testSigner();
  const ledger = await openTestLedger(store, signer, { batch: { maxEntries: 97 } });
  await appendMany(ledger, size);
  await ledger.close();
  return { store, signer, verifier: parseVerifierKey(signer.verifierKey) };
}

const flip = (bytes: Uint8Array, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at]! ^= 0x01;
  return copy;
};

function tamperTile(store: MemoryLedgerStore, key: string, at: number): void {
  const tile = store.rows.tiles.get(key)!;
  store.rows.tiles.set(key, { ...tile, hashes: flip(tile.hashes, at) });
}

describe('integrity check', () => {
  it('passes a healthy log in both modes and counts what it checked', async () => {
    const { store, verifier } = await filledStore(1000);
    const full = await checkIntegrity(store, verifier, { mode: 'full', records: true });
    expect(full.problems).toEqual([]);
    expect(full.checked).toMatchObject({ entries: 1000, records: 1000 });
    expect(full.checked.checkpoints).toBe(store.rows.checkpoints.length);
    const edge = await checkIntegrity(store, verifier, { mode: 'edge' });
    expect(edge.ok).toBe(true);
  });

  it('finds a changed entry (full), and in the right edge (edge)', async () => {
    const { store, verifier } = await filledStore(1000);
    store.rows.entries[10] = flip(store.rows.entries[10]!, 20);
    const full = await checkIntegrity(store, verifier, { mode: 'full' });
    expect(full.problems.join('\n')).toMatch(/tile tile\/0\/000 does not match the entries/);
    expect(full.problems.join('\n')).toMatch(
      /checkpoint \d+: its root does not match the first \d+ stored entries/,
    );
    store.rows.entries[990] = flip(store.rows.entries[990]!, 20);
    const edge = await checkIntegrity(store, verifier, { mode: 'edge' });
    expect(edge.problems.join('\n')).toMatch(
      /entries 768\.\.999 do not match tile tile\/0\/003\.p\/232/,
    );
  });

  it('finds truncated entries and a missing checkpoint table', async () => {
    const { store, verifier } = await filledStore(600);
    store.rows.entries.length = 590;
    for (const mode of ['full', 'edge'] as const) {
      const report = await checkIntegrity(store, verifier, { mode });
      expect(report.problems[0]).toBe(
        'entries are truncated: the latest checkpoint covers 600 entries but only 590 are stored',
      );
    }
    store.rows.checkpoints.length = 0;
    const report = await checkIntegrity(store, verifier, { mode: 'edge' });
    expect(report.problems).toEqual([
      '590 entries are stored but no checkpoint: the checkpoint table was truncated',
    ]);
  });

  it('finds a changed tile hash, a changed interior and a broken parent link', async () => {
    const { store, verifier } = await filledStore(1000);
    tamperTile(store, '0/1', 40);
    const full = await checkIntegrity(store, verifier, { mode: 'full' });
    expect(full.problems).toContain(
      'tile tile/0/001 does not match the entries (stored width 256)',
    );
    tamperTile(store, '0/2', 40); // the last full level-0 tile: the edge check looks at it
    const edge = await checkIntegrity(store, verifier, { mode: 'edge' });
    expect(edge.problems.join('\n')).toMatch(/tile tile\/0\/002: its interior does not match/);
    const level1 = store.rows.tiles.get('1/0')!;
    store.rows.tiles.set('1/0', { ...level1, nodes: flip(level1.nodes, 0) });
    expect((await checkIntegrity(store, verifier, { mode: 'edge' })).problems.join('\n')).toMatch(
      /tile\/1\/000\.p\/3/,
    );
  });

  it('finds a forged or re-signed checkpoint and a rewritten history', async () => {
    const { store, signer, verifier } = await filledStore(300);
    const latest = store.rows.checkpoints.at(-1)!;
    store.rows.checkpoints[store.rows.checkpoints.length - 1] = {
      ...latest,
      note: latest.note.replace('\n300\n', '\n301\n'),
    };
    const forged = await checkIntegrity(store, verifier, { mode: 'edge' });
    expect(forged.problems[0]).toMatch(/checkpoint 300: invalid signature/);
    store.rows.checkpoints[store.rows.checkpoints.length - 1] = latest;

    // An older checkpoint re-signed over a different tree: consistent signature, wrong history.
    const older = store.rows.checkpoints[2]!;
    const rewritten = signCheckpoint(
      { origin: signer.name, size: older.size, root: leafHash(Buffer.from('x')) },
      signer,
    );
    store.rows.checkpoints[2] = { ...older, root: rewritten.root, note: rewritten.note };
    const report = await checkIntegrity(store, verifier, { mode: 'full' });
    expect(report.problems).toEqual([
      `checkpoint ${older.size}: its root does not match the first ${older.size} stored entries`,
    ]);
  });

  it('checks private records against their commitments', async () => {
    const { store, verifier } = await filledStore(50);
    const record = store.rows.records[7]!;
    store.rows.records[7] = { ...record, record: record.record.replace('"n":7', '"n":8') };
    store.rows.records[9] = undefined;
    const report = await checkIntegrity(store, verifier, { mode: 'full', records: true });
    expect(report.problems).toEqual([
      'private record 7 does not open the commitment in entry 7',
      'private record 9 is missing',
    ]);
  });

  it('makes createLedger refuse to serve a corrupted store', async () => {
    const { store, signer } = await filledStore(300);
    store.rows.entries[299] = flip(store.rows.entries[299]!, 3);
    await expect(openTestLedger(store, signer)).rejects.toThrow(
      /failed its full integrity check and will not be served: .*tile tile\/0\/001\.p\/44 does not match the entries.*qalqan ledger fsck/,
    );
  });
});
