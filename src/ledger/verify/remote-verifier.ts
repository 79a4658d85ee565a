/**
 * Verifies a Qalqan ledger served over HTTP, trusting nothing the server computed: it fetches the
 * signed checkpoint and every tile and entry bundle, re-hashes every entry, rebuilds every tile
 * and the root, and compares. Given an older checkpoint it checks that the log still extends it
 * (the root of that prefix, recomputed from the entries, must be the old root) and that the
 * server's consistency proof agrees.
 *
 * ```ts
 * const result = await verifyRemoteLedger({ baseUrl: 'https://qalqan.example.kz', verifierKey });
 * console.log(result.verdict); // "OK example.kz/qalqan size 1200 …" or "FAIL …"
 * ```
 */
import { type SignedCheckpoint, openCheckpoint } from '../checkpoint/checkpoint.js';
import { type NoteVerifier, NoteError, parseVerifierKey } from '../checkpoint/note.js';
import { decodeEntry } from '../entry/entry.js';
import {
  EMPTY_ROOT,
  type Hash,
  hashFromBase64,
  hashToBase64,
  hashesEqual,
  leafHash,
} from '../tree/hash.js';
import { verifyConsistency } from '../tree/proofs.js';
import type { TileData } from '../tree/tile-data.js';
import {
  TILE_WIDTH,
  decodeEntryBundle,
  entriesPath,
  tileCountOfTree,
  tilePath,
} from '../tree/tiles.js';
import { TreeBuilder } from '../tree/tree-builder.js';

export interface RemoteVerifyOptions {
  /** Server base URL; the log is under `<base>/ledger/`, proofs under `<base>/v1/ledger/`. */
  readonly baseUrl: string;
  /** The trusted verifier key; without it the server's own `/ledger/vkey` is used (and said so). */
  readonly verifierKey?: string | undefined;
  /** An older checkpoint note the log must still extend. */
  readonly oldCheckpoint?: string | undefined;
  /** Requests in flight at most (bundles, tiles and proofs alike). Default 8. */
  readonly concurrency?: number | undefined;
  readonly fetch?: typeof fetch;
  /** Called with the number of tiles to fetch, then after each one. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RemoteVerifyResult {
  readonly ok: boolean;
  /** 'invalid': the log failed verification; 'unreachable': it could not be fetched. */
  readonly failure?: 'invalid' | 'unreachable';
  /** One line for people. */
  readonly verdict: string;
  readonly checkpoint?: SignedCheckpoint;
}

class Invalid extends Error {}
class Unreachable extends Error {}

export async function verifyRemoteLedger(
  options: RemoteVerifyOptions,
): Promise<RemoteVerifyResult> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  let origin = base;
  // Every request, a bundle's, a tile's or a proof's, takes one of `concurrency` slots.
  const slots = requestSlots(Math.max(1, options.concurrency ?? 8));

  /**
   * `published`: the key or checkpoint, which the log has not committed to: without them nothing
   * was checked, so any answer but 200 (a --url that is not a Qalqan server's base) could not run.
   */
  async function get(path: string, published = false): Promise<Uint8Array> {
    const url = `${base}/${path}`;
    return slots.run(async () => {
      let response: Response;
      try {
        response = await doFetch(url, {
          signal: AbortSignal.timeout(30_000),
          headers: { accept: '*/*' },
        });
      } catch (error) {
        throw new Unreachable(`cannot fetch ${url}: ${(error as Error).message}`);
      }
      if (response.status === 200) return new Uint8Array(await response.arrayBuffer());
      // Unavailable, overloaded or timed out: the log could not be read, which proves nothing
      // against it (exit 2, not a FAIL an auditor would take for tampering). Any other answer to
      // a path the signed checkpoint commits to is the log withholding it (exit 1).
      if (response.status >= 500 || response.status === 429 || response.status === 408)
        throw new Unreachable(`${url} answered ${response.status}; try again later`);
      if (published)
        throw new Unreachable(
          `${url} answered ${response.status}: is ${base} the base URL of a Qalqan server?`,
        );
      throw new Invalid(`${url} answered ${response.status}`);
    });
  }

  try {
    const keySource = options.verifierKey ? 'given' : 'server';
    const vkey =
      options.verifierKey ?? Buffer.from(await get('ledger/vkey', true)).toString('utf8');
    const verifier = parseOrInvalid(vkey);
    const checkpoint = openOrInvalid(
      await get('ledger/checkpoint', true),
      verifier,
      'the served checkpoint',
    );
    origin = checkpoint.origin;
    const old = options.oldCheckpoint
      ? openOrInvalid(options.oldCheckpoint, verifier, 'the older checkpoint')
      : undefined;
    if (old && old.size > checkpoint.size) {
      throw new Invalid(
        `the log shrank: the older checkpoint has ${old.size} entries, the served one ${checkpoint.size}`,
      );
    }
    const oldRoot = await rehashLog(checkpoint, old?.size, get, options);
    if (old && !hashesEqual(oldRoot, old.root)) {
      throw new Invalid(
        `history was rewritten: the first ${old.size} entries no longer hash to the older checkpoint's root`,
      );
    }
    if (old && old.size > 0 && old.size < checkpoint.size)
      await checkServedConsistency(old, checkpoint, get);
    const against = old ? `, consistent with the older checkpoint (size ${old.size})` : '';
    const keyNote =
      keySource === 'server' ? ' (key taken from the server; pin it with --vkey)' : '';
    return {
      ok: true,
      checkpoint,
      verdict:
        `OK ${origin} size ${checkpoint.size} root ${hashToBase64(checkpoint.root)}: ` +
        `${checkpoint.size} entries re-hashed, tiles and signature by ${verifier.name}+${verifier.keyId.toString('hex')} verified${against}${keyNote}`,
    };
  } catch (error) {
    if (error instanceof Invalid)
      return { ok: false, failure: 'invalid', verdict: `FAIL ${origin}: ${error.message}` };
    if (error instanceof Unreachable)
      return { ok: false, failure: 'unreachable', verdict: `FAIL ${origin}: ${error.message}` };
    throw error;
  }
}

/**
 * At most `limit` tasks running at once; the others wait their turn in order. The read-ahead
 * below asks for two requests (bundle and tile) per leaf tile, so it alone would exceed the limit.
 */
function requestSlots(limit: number): { run<T>(task: () => Promise<T>): Promise<T> } {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        // Hand the slot to the next in line, or give it back.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}

function parseOrInvalid(vkey: string): NoteVerifier {
  try {
    return parseVerifierKey(vkey);
  } catch (error) {
    throw new Invalid(`the verifier key is not usable: ${(error as Error).message}`);
  }
}

function openOrInvalid(
  note: string | Uint8Array,
  verifier: NoteVerifier,
  what: string,
): SignedCheckpoint {
  try {
    return openCheckpoint(note, verifier);
  } catch (error) {
    if (error instanceof NoteError) throw new Invalid(`${what} does not verify: ${error.message}`);
    throw error;
  }
}

/**
 * Re-hashes the whole log from its bundles, compares every served tile with the rebuilt one and
 * the root with the checkpoint. Returns the root at `oldSize` (the empty root when undefined/0).
 */
async function rehashLog(
  checkpoint: SignedCheckpoint,
  oldSize: number | undefined,
  get: (path: string) => Promise<Uint8Array>,
  options: RemoteVerifyOptions,
): Promise<Hash> {
  const size = checkpoint.size;
  const tree = new TreeBuilder();
  let oldRoot: Hash = EMPTY_ROOT;
  const total = tileCountOfTree(size);
  let done = 0;
  const progress = () => options.onProgress?.(done, total);
  progress();

  const bundleCount = Math.ceil(size / TILE_WIDTH);
  const fetchLeafTile = (index: number) => {
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    return Promise.all([
      get(`ledger/${entriesPath(index, width)}`),
      get(`ledger/${tilePath({ level: 0, index, width })}`),
    ]);
  };
  const window = Math.max(1, options.concurrency ?? 8);
  const inFlight = new Map<number, ReturnType<typeof fetchLeafTile>>();
  for (let index = 0; index < bundleCount; index++) {
    for (let ahead = index; ahead < Math.min(bundleCount, index + window); ahead++) {
      if (!inFlight.has(ahead)) {
        const pending = fetchLeafTile(ahead);
        pending.catch(() => undefined); // observed when awaited below
        inFlight.set(ahead, pending);
      }
    }
    const [bundle, served] = await inFlight.get(index)!;
    inFlight.delete(index);
    const start = index * TILE_WIDTH;
    const entries = decodeEntryBundle(bundle);
    const width = Math.min(TILE_WIDTH, size - start);
    if (!entries || entries.length !== width) {
      throw new Invalid(
        `entry bundle ${entriesPath(index, width)} is malformed or does not hold ${width} entries`,
      );
    }
    if (served.length !== width * 32)
      throw new Invalid(`tile ${tilePath({ level: 0, index, width })} has the wrong length`);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!decodeEntry(entry))
        throw new Invalid(`entry ${start + i} is not a well-formed ledger entry`);
      const leaf = leafHash(entry);
      if (!hashesEqual(leaf, served.subarray(i * 32, i * 32 + 32))) {
        throw new Invalid(
          `entry ${start + i} does not hash to its leaf in tile ${tilePath({ level: 0, index, width })}`,
        );
      }
      tree.append(leaf);
      if (tree.size === oldSize) oldRoot = tree.root();
    }
    done++;
    for (const tile of tree.takeChanges()) {
      if (tile.level === 0 || tile.width !== TILE_WIDTH) continue;
      await compareServed(tile, get);
      done++;
    }
    progress();
  }
  for (const tile of tree.edgeTiles()) {
    if (tile.level === 0) continue;
    await compareServed(tile, get);
    done++;
  }
  progress();
  if (!hashesEqual(tree.root(), checkpoint.root)) {
    throw new Invalid(
      `the ${size} entries hash to ${hashToBase64(tree.root())}, not the checkpoint's root`,
    );
  }
  return oldRoot;
}

async function compareServed(
  expected: TileData,
  get: (path: string) => Promise<Uint8Array>,
): Promise<void> {
  const path = tilePath(expected);
  const served = await get(`ledger/${path}`);
  if (Buffer.compare(served, expected.hashes) !== 0)
    throw new Invalid(`tile ${path} does not match the hashes of the tiles below it`);
}

async function checkServedConsistency(
  old: SignedCheckpoint,
  current: SignedCheckpoint,
  get: (path: string) => Promise<Uint8Array>,
): Promise<void> {
  const body = await get(`v1/ledger/proof/consistency?from=${old.size}&to=${current.size}`);
  let hashes: (Hash | undefined)[];
  try {
    hashes = (JSON.parse(Buffer.from(body).toString('utf8')) as { hashes: string[] }).hashes.map(
      hashFromBase64,
    );
  } catch {
    throw new Invalid('the served consistency proof is not valid JSON');
  }
  const proof = hashes.filter((h): h is Hash => h !== undefined);
  if (
    proof.length !== hashes.length ||
    !verifyConsistency(old.size, current.size, old.root, current.root, proof)
  ) {
    throw new Invalid(
      `the served consistency proof from ${old.size} to ${current.size} does not verify`,
    );
  }
}
