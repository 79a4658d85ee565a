/**
 * Where an entry lives in the C2SP tlog-tiles layout and how to read an entry bundle.
 * Bundle N holds entries 256·N … 256·N+255; a bundle that is not yet full is served as
 * `tile/entries/<N>.p/<W>` with W the number of entries it holds in the tree being read.
 */

export const BUNDLE_WIDTH = 256;
/** Entries carry a 16-bit big-endian length prefix. */
const LENGTH_PREFIX = 2;

/** Encodes N as 3-digit groups, all but the last prefixed with `x`: 1234067 → x001/x234/067. */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`tile index must be a non-negative integer, got ${index}`);
  }
  let n = index;
  let out = String(n % 1000).padStart(3, '0');
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

export interface BundleLocation {
  /** Bundle number N. */
  readonly bundle: number;
  /** How many entries the bundle holds in a tree of the given size (1..256). */
  readonly width: number;
  /** Position of the entry inside the bundle. */
  readonly offset: number;
  /** Path below the log's prefix, e.g. `tile/entries/x001/234.p/17`. */
  readonly path: string;
}

/** Locates entry `index` in the bundles of a tree of `size` entries. */
export function locateEntry(index: number, size: number): BundleLocation {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`entry ${index} is not in a tree of ${size} entries`);
  }
  const bundle = Math.floor(index / BUNDLE_WIDTH);
  const width = Math.min(BUNDLE_WIDTH, size - bundle * BUNDLE_WIDTH);
  const suffix = width === BUNDLE_WIDTH ? '' : `.p/${width}`;
  return {
    bundle,
    width,
    offset: index - bundle * BUNDLE_WIDTH,
    path: `tile/entries/${formatTileIndex(bundle)}${suffix}`,
  };
}

export class BundleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleFormatError';
  }
}

/**
 * Splits an entry bundle into its entries. A bundle whose length prefixes do not add up exactly
 * to its size is rejected rather than read as far as it goes: a truncated bundle must not yield
 * a plausible-looking entry.
 */
export function parseEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + LENGTH_PREFIX > bytes.length) {
      throw new BundleFormatError(`bundle ends inside the length of entry ${entries.length}`);
    }
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    offset += LENGTH_PREFIX;
    if (offset + length > bytes.length) {
      throw new BundleFormatError(`bundle ends inside entry ${entries.length}`);
    }
    entries.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return entries;
}
