import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import {
  EMPTY_ROOT,
  hashFromBase64,
  hashToBase64,
  hashToText,
  leafHash,
  nodeHash,
} from './hash.js';
import { floorPow2, splitPoint } from './math.js';
import { expandTile, fullTileRoot, levelsOfTile, sameTile, tileFromLevels } from './tile-data.js';
import { TILE_WIDTH } from './tiles.js';
import { TreeBuilder } from './tree-builder.js';
import { referenceRoot } from './test-support/reference.js';
import { buildTree, entriesOf } from './test-support/tiles.js';

const hex = (value: Uint8Array) => Buffer.from(value).toString('hex');

// The RFC 6962 test inputs used by certificate-transparency-go and Trillian's merkle tests.
const VECTOR_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree, leaves and nodes with the RFC prefixes', () => {
    expect(hex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(VECTOR_ROOTS[0]);
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    expect(hex(nodeHash(a, b))).not.toBe(hex(nodeHash(b, a)));
  });

  it('matches the published roots for the RFC 6962 test inputs', () => {
    const tree = new TreeBuilder();
    expect(hex(tree.root())).toBe(hex(EMPTY_ROOT));
    VECTOR_LEAVES.forEach((leaf, i) => {
      tree.append(leafHash(leaf));
      expect(hex(tree.root())).toBe(VECTOR_ROOTS[i]);
    });
  });

  it('encodes hashes as strict base64', () => {
    const h = leafHash(Buffer.from('x'));
    expect(hashFromBase64(hashToBase64(h))).toEqual(Buffer.from(h));
    expect(hashFromBase64(hashToBase64(h).slice(1))).toBeUndefined();
    expect(hashFromBase64('A'.repeat(42) + 'B=')).toBeUndefined(); // non-canonical final bits
    expect(hashFromBase64('!'.repeat(44))).toBeUndefined();
  });
});

describe('power-of-two helpers beyond 32 bits', () => {
  it('finds the split point exactly for large sizes', () => {
    for (const bits of [31, 32, 33, 40, 50, 52]) {
      const p = 2 ** bits;
      expect(floorPow2(p - 1)).toBe(p / 2);
      expect(floorPow2(p)).toBe(p);
      expect(floorPow2(p + 1)).toBe(p);
      expect(splitPoint(p)).toBe(p / 2);
      expect(splitPoint(p + 1)).toBe(p);
    }
  });
});

describe('TreeBuilder (incremental appender)', () => {
  it('equals the recursive RFC definition at every size (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 24 }), { maxLength: 300 }), (entries) => {
        const tree = new TreeBuilder();
        for (let i = 0; i < entries.length; i++) {
          tree.append(leafHash(entries[i]!));
          if (i % 17 === 0 || i === entries.length - 1) {
            expect(hex(tree.root())).toBe(hex(referenceRoot(entries.slice(0, i + 1))));
          }
        }
      }),
      { numRuns: propertyRuns(60) },
    );
  });

  it('produces tiles whose hashes and interior match the tree, whatever the batch size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 300 }),
        (size, flushEvery) => {
          const entries = entriesOf(size);
          const { tiles } = buildTree(entries, flushEvery);
          const level0 = [...tiles.values()].filter((t) => t.level === 0);
          expect(level0).toHaveLength(Math.ceil(size / TILE_WIDTH));
          for (const tile of level0) {
            const leaves = entries
              .slice(tile.index * TILE_WIDTH, tile.index * TILE_WIDTH + tile.width)
              .map(leafHash);
            expect(tile.width).toBe(leaves.length);
            expect(
              sameTile(tile, tileFromLevels(0, tile.index, expandTile(leaves.map(hashToText)))),
            ).toBe(true);
            if (tile.width === TILE_WIDTH) {
              const up = tiles.get(`1/${Math.floor(tile.index / TILE_WIDTH)}`);
              const root = fullTileRoot(tile)!;
              expect(hex(root)).toBe(
                hex(referenceRoot(entries.slice(tile.index * 256, tile.index * 256 + 256))),
              );
              expect(
                hex(up!.hashes.subarray((tile.index % 256) * 32, (tile.index % 256) * 32 + 32)),
              ).toBe(hex(root));
            }
          }
        },
      ),
      { numRuns: propertyRuns(40) },
    );
  });

  it('completes a level-1 tile and starts level 2 at 65,536 leaves', () => {
    const size = TILE_WIDTH * TILE_WIDTH + 3;
    const entries = entriesOf(size);
    const { tiles, builder } = buildTree(entries, 1000);
    const level1 = tiles.get('1/0')!;
    expect(level1.width).toBe(TILE_WIDTH);
    expect(tiles.get('2/0')?.width).toBe(1);
    expect(hex(tiles.get('2/0')!.hashes)).toBe(hex(fullTileRoot(level1)!));
    expect(hex(builder.root())).toBe(hex(referenceRoot(entries)));
  });

  it('restores from its right-edge tiles and carries on identically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1200 }),
        fc.integer({ min: 1, max: 300 }),
        (size, more) => {
          const entries = entriesOf(size + more);
          const original = new TreeBuilder();
          entries.slice(0, size).forEach((e) => original.append(leafHash(e)));
          const restored = TreeBuilder.restore(size, original.edgeTiles());
          expect(hex(restored.root())).toBe(hex(original.root()));
          const copy = original.clone();
          entries.slice(size).forEach((e) => {
            restored.append(leafHash(e));
            copy.append(leafHash(e));
          });
          expect(hex(restored.root())).toBe(hex(referenceRoot(entries)));
          expect(hex(copy.root())).toBe(hex(restored.root()));
          expect(original.size).toBe(size);
        },
      ),
      { numRuns: propertyRuns(40) },
    );
  });

  it('refuses right-edge tiles that do not fit the size', () => {
    const tree = new TreeBuilder();
    entriesOf(300).forEach((e) => tree.append(leafHash(e)));
    const edge = tree.edgeTiles();
    expect(() => TreeBuilder.restore(301, edge)).toThrow(/needs partial tile 1 width 45/);
    expect(() => TreeBuilder.restore(256, edge)).toThrow(/no partial tile/);
    const [level0] = edge;
    const truncated = { ...level0!, nodes: level0!.nodes.subarray(32) };
    expect(() => TreeBuilder.restore(300, [truncated, ...edge.slice(1)])).toThrow(/inconsistent/);
    expect(levelsOfTile(truncated)).toBeUndefined();
  });
});
