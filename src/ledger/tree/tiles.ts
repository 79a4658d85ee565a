/**
 * C2SP tlog-tiles geometry: tiles of height 8 (256 hashes), their paths
 * (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, N in `x001/x234/067` groups) and entry
 * bundles (each entry a 2-byte big-endian length, then its bytes).
 *
 * A tile at level L, index N holds the hashes of tree level 8·L from position N·256, i.e. the
 * roots of 256 consecutive subtrees of 256^L leaves. A partial tile (width W < 256) lists the
 * first W of them; it is a prefix of the full tile that will replace it.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Largest entry a bundle can carry (its length prefix is 16 bits). */
export const MAX_ENTRY_SIZE = 0xffff;
/** Tile levels that can exist for a log of at most 2^53 entries. */
export const MAX_TILE_LEVEL = 6;

/** A tile of hashes: level, index within the level, and width (1..256). */
export interface TileCoord {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** A tile path as requested by a client. */
export type TileRequest =
  | {
      readonly kind: 'hashes';
      readonly level: number;
      readonly index: number;
      readonly width: number;
    }
  | { readonly kind: 'entries'; readonly index: number; readonly width: number };

/** Encodes N as 3-digit groups, all but the last prefixed with `x`: 1234067 → x001/x234/067. */
export function formatTileIndex(index: number): string {
  let n = index;
  let out = String(n % 1000).padStart(3, '0');
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

export function tilePath(tile: TileCoord): string {
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

export function entriesPath(index: number, width: number): string {
  return `tile/entries/${formatTileIndex(index)}${widthSuffix(width)}`;
}

/**
 * Parses a path relative to the log prefix (`tile/0/x001/234`, `tile/entries/005.p/17`).
 * Returns undefined for anything that is not the one canonical spelling of a tile, as Go's
 * `tlog.ParseTilePath` does: no leading zero groups, no `.p/256`, no `.p/0`.
 */
export function parseTilePath(path: string): TileRequest | undefined {
  const match =
    /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
      path,
    );
  if (!match) return undefined;
  const [, levelText = '', indexText = '', widthText] = match;
  const groups = indexText.split('/').map((group) => Number(group.replace('x', '')));
  let index = 0;
  for (const group of groups) index = index * 1000 + group;
  if (!Number.isSafeInteger(index)) return undefined;
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) return undefined;
  if (levelText === 'entries') {
    if (entriesPath(index, width) !== path) return undefined;
    return { kind: 'entries', index, width };
  }
  const level = Number(levelText);
  if (level > 63 || tilePath({ level, index, width }) !== path) return undefined;
  return { kind: 'hashes', level, index, width };
}

/** How many hashes tree level 8·`level` has in a tree of `size` leaves. */
export function hashCountAtTileLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/**
 * The width the tile (level, index) has in a tree of `size` leaves: 256 for a full tile, 1..255
 * for the right-edge partial tile, 0 when the tile does not exist yet.
 */
export function tileWidthAt(size: number, level: number, index: number): number {
  const count = hashCountAtTileLevel(size, level);
  const start = index * TILE_WIDTH;
  if (count <= start) return 0;
  return Math.min(TILE_WIDTH, count - start);
}

/** Every tile (at its widest) of a tree of `size` leaves, level by level, left to right. */
export function tilesOfTree(size: number): TileCoord[] {
  const tiles: TileCoord[] = [];
  for (let level = 0; hashCountAtTileLevel(size, level) > 0; level++) {
    const count = hashCountAtTileLevel(size, level);
    const tileCount = Math.ceil(count / TILE_WIDTH);
    for (let index = 0; index < tileCount; index++) {
      tiles.push({ level, index, width: Math.min(TILE_WIDTH, count - index * TILE_WIDTH) });
    }
  }
  return tiles;
}

/**
 * How many tiles `tilesOfTree(size)` lists, counted without listing them: a checkpoint from an
 * untrusted server may claim up to 2^53 entries, whose tiles no array could hold.
 */
export function tileCountOfTree(size: number): number {
  let total = 0;
  for (let level = 0; hashCountAtTileLevel(size, level) > 0; level++)
    total += Math.ceil(hashCountAtTileLevel(size, level) / TILE_WIDTH);
  return total;
}

/** Encodes entries as a bundle: for each, a 2-byte big-endian length and the bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE)
      throw new RangeError(`entry of ${entry.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    total += 2 + entry.length;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const entry of entries) {
    out.writeUInt16BE(entry.length, offset);
    out.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return out;
}

/**
 * Decodes a bundle; returns undefined if it is malformed (a truncated length or body, or
 * trailing bytes). The entries share the bundle's memory.
 */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] | undefined {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bundle.length) {
    if (offset + 2 > bundle.length) return undefined;
    const length = (bundle[offset]! << 8) | bundle[offset + 1]!;
    const start = offset + 2;
    if (start + length > bundle.length) return undefined;
    entries.push(bundle.subarray(start, start + length));
    offset = start + length;
  }
  return entries;
}
