import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkInclusion, hashChildren, hashLeaf } from './merkle';

// An independent RFC 6962 §2.1 implementation, written straight from the RFC's recursive
// definitions with Node's hash module, against which the WebCrypto verifier is checked.
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leafRef = (entry: Uint8Array) => sha256(Buffer.of(0), entry);
const nodeRef = (left: Uint8Array, right: Uint8Array) => sha256(Buffer.of(1), left, right);
/** The largest power of two smaller than n (n > 1). */
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

function mth(entries: readonly Uint8Array[]): Buffer {
  if (entries.length === 0) return sha256();
  if (entries.length === 1) return leafRef(entries[0]!);
  const k = split(entries.length);
  return nodeRef(mth(entries.slice(0, k)), mth(entries.slice(k)));
}

function auditPath(m: number, entries: readonly Uint8Array[]): Buffer[] {
  if (entries.length <= 1) return [];
  const k = split(entries.length);
  return m < k
    ? [...auditPath(m, entries.slice(0, k)), mth(entries.slice(k))]
    : [...auditPath(m - k, entries.slice(k)), mth(entries.slice(0, k))];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

// The eight leaves and tree heads of the Certificate Transparency reference test vectors.
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function entriesOf(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new TextEncoder().encode(`entry ${i}`));
}

describe('RFC 6962 hashing', () => {
  it('hashes leaves and nodes with their domain-separation prefixes', async () => {
    expect(hex(await hashLeaf(new Uint8Array()))).toBe(CT_ROOTS[0]);
    const a = leafRef(unhex('00'));
    const b = leafRef(unhex('10'));
    expect(hex(await hashChildren(a, b))).toBe(hex(nodeRef(a, b)));
  });

  it('the reference tree reproduces the published CT tree heads', () => {
    CT_ROOTS.forEach((root, i) => expect(hex(mth(CT_LEAVES.slice(0, i + 1)))).toBe(root));
  });
});

describe('checkInclusion', () => {
  it('accepts the published CT audit path of leaf 0 in the tree of 8', async () => {
    const proof = [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(unhex);
    expect(auditPath(0, CT_LEAVES).map(hex)).toEqual(proof.map(hex));
    const check = await checkInclusion({
      index: 0,
      size: 8,
      leafHash: await hashLeaf(CT_LEAVES[0]!),
      proof,
      root: unhex(CT_ROOTS[7]!),
    });
    expect(check.ok).toBe(true);
    expect(check.steps.map((step) => step.side)).toEqual(['right', 'right', 'right']);
  });

  it('verifies every leaf of every tree from 1 to 70 entries against the reference', async () => {
    const all = entriesOf(70);
    for (let size = 1; size <= all.length; size++) {
      const entries = all.slice(0, size);
      const root = mth(entries);
      for (let index = 0; index < size; index++) {
        const check = await checkInclusion({
          index,
          size,
          leafHash: leafRef(entries[index]!),
          proof: auditPath(index, entries),
          root,
        });
        expect(check, `leaf ${index} of ${size}`).toMatchObject({ ok: true });
        expect(check.ok && hex(check.root)).toBe(hex(root));
      }
    }
  });

  it('rejects a proof whose hashes were altered', async () => {
    const entries = entriesOf(13);
    const proof = auditPath(6, entries).map((hash) => new Uint8Array(hash));
    proof[1]![0]! ^= 0x01;
    const check = await checkInclusion({
      index: 6,
      size: 13,
      leafHash: leafRef(entries[6]!),
      proof,
      root: mth(entries),
    });
    expect(check).toMatchObject({ ok: false, reason: 'root_mismatch' });
    expect(check.steps).toHaveLength(proof.length);
  });

  it('rejects a different entry, or the right entry at another index', async () => {
    const entries = entriesOf(13);
    const root = mth(entries);
    const proof = auditPath(6, entries);
    const otherEntry = await checkInclusion({
      index: 6,
      size: 13,
      leafHash: leafRef(entries[7]!),
      proof,
      root,
    });
    expect(otherEntry).toMatchObject({ ok: false, reason: 'root_mismatch' });
    const otherIndex = await checkInclusion({
      index: 7,
      size: 13,
      leafHash: leafRef(entries[6]!),
      proof,
      root,
    });
    expect(otherIndex.ok).toBe(false);
  });

  it('rejects proofs that are too short or too long for the tree', async () => {
    const entries = entriesOf(13);
    const input = { index: 4, size: 13, leafHash: leafRef(entries[4]!), root: mth(entries) };
    const proof = auditPath(4, entries);
    expect(await checkInclusion({ ...input, proof: proof.slice(0, -1) })).toMatchObject({
      ok: false,
      reason: 'wrong_proof_length',
    });
    expect(await checkInclusion({ ...input, proof: [...proof, proof[0]!] })).toMatchObject({
      ok: false,
      reason: 'wrong_proof_length',
    });
    // A single-entry tree's proof is empty and its root is the leaf hash.
    const one = entriesOf(1);
    expect(
      await checkInclusion({
        index: 0,
        size: 1,
        leafHash: leafRef(one[0]!),
        proof: [],
        root: mth(one),
      }),
    ).toMatchObject({ ok: true });
  });

  it('rejects indices outside the tree and hashes of the wrong size', async () => {
    const entries = entriesOf(4);
    const base = {
      leafHash: leafRef(entries[0]!),
      proof: auditPath(0, entries),
      root: mth(entries),
    };
    for (const [index, size] of [
      [4, 4],
      [-1, 4],
      [0, 0],
      [0.5, 4],
      [0, 2 ** 53],
    ] as const) {
      expect(await checkInclusion({ ...base, index, size })).toMatchObject({
        ok: false,
        reason: 'index_out_of_range',
      });
    }
    expect(
      await checkInclusion({ ...base, index: 0, size: 4, root: mth(entries).subarray(0, 31) }),
    ).toMatchObject({ ok: false, reason: 'bad_hash_size' });
  });

  it('computes exactly for indices beyond 32 bits', async () => {
    // In a tree of 2^32 + 2 leaves, leaf 2^32 + 1 has two siblings: leaf 2^32 on its left, then
    // the root of the first 2^32 leaves. 32-bit bitwise halving would lose the high bit.
    const leftSubtree = sha256(Buffer.from('root of the first 2^32 leaves'));
    const leaf = leafRef(Buffer.from('last'));
    const neighbour = leafRef(Buffer.from('second to last'));
    const root = nodeRef(leftSubtree, nodeRef(neighbour, leaf));
    const check = await checkInclusion({
      index: 2 ** 32 + 1,
      size: 2 ** 32 + 2,
      leafHash: leaf,
      proof: [neighbour, leftSubtree],
      root,
    });
    expect(check).toMatchObject({ ok: true });
    expect(check.steps.map((step) => step.side)).toEqual(['left', 'left']);

    // The last leaf of a tree of 2^40 + 1 is promoted through 40 levels without siblings.
    const promoted = await checkInclusion({
      index: 2 ** 40,
      size: 2 ** 40 + 1,
      leafHash: leaf,
      proof: [leftSubtree],
      root: nodeRef(leftSubtree, leaf),
    });
    expect(promoted).toMatchObject({ ok: true });
  });
});
