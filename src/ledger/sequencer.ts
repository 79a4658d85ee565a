/**
 * The sequencer: queues entries, gives them indexes in batches, writes each batch — entries,
 * private records, changed tiles and the new signed checkpoint — in one durable transaction, and
 * only then answers the waiting callers. Group commit: one commit is in flight at a time; when it
 * ends, everything queued meanwhile (up to `maxEntries`) is committed at once, and an idle
 * sequencer commits a new entry straight away. So a lone append waits for one commit, and under
 * load each fsync covers more appends: latency falls as load rises instead of a fixed wait.
 *
 * Idempotent appends: an entry may carry a key. Before a batch with keys is written the sequencer
 * asks the store once which of them are already committed; those callers get the stored entry's
 * index, and a key repeated within the batch is appended once. The store's unique index on the
 * key is the backstop. So an outbox that crashed after the ledger commit but before writing the
 * index back, and appends again, gets the first index, never a second entry.
 *
 * On a failed commit nobody is told "appended" unless the stored log proves it: the sequencer
 * re-reads the latest checkpoint; if the batch's checkpoint is there the batch did commit (the
 * acknowledgement was lost, not the write) and the callers get their indexes, otherwise they get
 * an error and the in-memory tree stays at the stored size.
 */
import type { CompiledQuery } from 'kysely';
import { DomainError } from '../core/errors.js';
import { type SignedCheckpoint, signCheckpoint } from './checkpoint/checkpoint.js';
import type { NoteSigner } from './checkpoint/note.js';
import { commitRecordText, encodeLeaf } from './entry/entry.js';
import {
  type LedgerStore,
  type LedgerWriter,
  LedgerConflictError,
  LedgerDurabilityError,
  type PrivateRecord,
} from './store/ledger-store.js';
import { type Hash, type HashText, hashesEqual, textToHash } from './tree/hash.js';
import { TILE_WIDTH } from './tree/tiles.js';
import type { TreeBuilder } from './tree/tree-builder.js';

export interface BatchOptions {
  /** The largest batch: a longer queue is committed in batches of this many. Default 256. */
  readonly maxEntries: number;
  /**
   * Linger: an idle sequencer waits up to this long for a partial batch to fill before committing.
   * Default 0 — commit at once (group commit already batches whatever queues during a commit).
   */
  readonly maxDelayMs: number;
  /** Refuse appends (503) beyond this many queued entries instead of growing without bound. */
  readonly maxQueue: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxEntries: 256, maxDelayMs: 0, maxQueue: 100_000 };

/** The committed state the readers see; replaced (never mutated) after each commit. */
export interface CommittedView {
  readonly tree: TreeBuilder;
  readonly checkpoint: SignedCheckpoint;
  /** Entries of the right-edge (partial) entry bundle, for serving it without a read. */
  readonly tail: readonly Uint8Array[];
}

export interface SequencedEntry {
  readonly entry: Uint8Array;
  /** RFC 6962 leaf hash of `entry`, in text form. */
  readonly leaf: HashText;
  /** Handed back with the index (the caller's receipt); not interpreted here. */
  readonly commitment: HashText;
  readonly type: string;
  readonly salt: Uint8Array;
  /** Canonical JSON of the private record. */
  readonly record: string;
  /** Idempotency key: an entry with this key already in the log is not appended again. */
  readonly key?: string | undefined;
  /** `key` was minted for this entry (`AppendInput.keyIsNew`): not looked up before the batch. */
  readonly keyIsNew?: boolean | undefined;
  /**
   * The appender's own rows, committed in the batch's transaction (the writer must take them:
   * `LedgerWriter.alongside`), given the entry's new index and its record's canonical JSON (so
   * the appender need not serialise the record again). Called in queue order — a group's entries
   * one after the other, in one batch. Not run for a key already in the log:
   * its rows went in with its first entry. A failing row fails the whole batch (its callers get
   * `ledger.unavailable`), so they must be rows that cannot fail but for a fault.
   */
  readonly alongside?: ((index: number, record: string) => readonly CompiledQuery[]) | undefined;
}

/** What an append resolves to. Hash bytes are made only if asked for (most callers want the index). */
export class Sequenced {
  constructor(
    readonly index: number,
    /** Size of the first checkpoint that includes the entry. */
    readonly treeSize: number,
    private readonly leafText: HashText,
    private readonly commitmentText: HashText,
  ) {}

  get leafHash(): Hash {
    return textToHash(this.leafText);
  }

  get commitment(): Uint8Array {
    return textToHash(this.commitmentText);
  }
}

/**
 * `new Promise` executor shared by every append: it parks the resolving functions in these slots,
 * which `enqueue` reads straight after (synchronously, so nothing can run in between). A closure
 * per append would be one more allocation on the hot path, and the GC was a fifth of its cost.
 */
let resolveSlot: ((result: Sequenced) => void) | undefined;
let rejectSlot: ((error: Error) => void) | undefined;
function parkResolvers(resolve: (result: Sequenced) => void, reject: (error: Error) => void): void {
  resolveSlot = resolve;
  rejectSlot = reject;
}

/**
 * Queued appends as parallel columns rather than one waiter object each (fewer allocations);
 * `items[i]`, `resolves[i]` and `rejects[i]` belong to the same caller. `rest[i]` is how many
 * entries after `items[i]` belong to the same group (`enqueueGroup`): 0 for a lone append, and a
 * batch is never cut inside a group.
 */
interface Pending {
  readonly items: SequencedEntry[];
  readonly resolves: ((result: Sequenced) => void)[];
  readonly rejects: ((error: Error) => void)[];
  readonly rest: number[];
}

const nothingPending = (): Pending => ({ items: [], resolves: [], rejects: [], rest: [] });

export interface SequencerDeps {
  readonly store: LedgerStore;
  readonly writer: LedgerWriter;
  readonly signer: NoteSigner;
  readonly clock: () => Date;
  readonly batch: BatchOptions;
  readonly initial: CommittedView;
  /** Receives every committed view (the ledger's readers switch to it). */
  readonly onCommit: (view: CommittedView) => void;
  /** Told of every batch committed: its new entries and how long its durable commit took. */
  readonly onCommitTimed?: ((entries: number, seconds: number) => void) | undefined;
  /** Receives failures worth a log line (the callers get a DomainError without internals). */
  readonly onError: (error: unknown, context: string) => void;
  /**
   * Called once when the sequencer stops for good because storage no longer matches it (another
   * writer, a lost lock). It refuses appends from then on; the owner may start a fresh one.
   */
  readonly onStopped: (reason: DomainError) => void;
}

export interface Sequencer {
  enqueue(item: SequencedEntry): Promise<Sequenced>;
  /**
   * Appends these entries in one batch, so in one transaction: all of them (with their
   * `alongside` rows) commit or none does. The batch may exceed `maxEntries` by the group's size.
   * Resolves in the items' order.
   */
  enqueueGroup(items: readonly SequencedEntry[]): Promise<Sequenced[]>;
  /** Whether the writer takes other modules' rows with a batch (`SequencedEntry.alongside`). */
  readonly canCommitAlongside: boolean;
  /** Commits what is queued, releases the writer, then stops; later appends are refused. */
  close(): Promise<void>;
}

const unavailable = (why: string) => new DomainError('ledger.unavailable', why);

export function createSequencer(deps: SequencerDeps): Sequencer {
  const { batch, signer } = deps;
  let view = deps.initial;
  let writer = deps.writer;
  let queue = nothingPending();
  let firstQueuedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  /**
   * Set when the stored log cannot be trusted to match memory; appends fail meanwhile. A
   * transient failure (storage unreachable) clears once storage answers and still matches.
   */
  let broken: DomainError | undefined;
  let transient = false;
  let closed = false;

  /** Set while a microtask is about to flush: appends made in the same tick join that batch. */
  let soon = false;

  function startFlush(): void {
    clearTimeout(timer);
    timer = undefined;
    inFlight = flush().finally(() => {
      inFlight = undefined;
      // Group commit: whatever queued during this commit goes now, without waiting.
      if (queue.items.length > 0) startFlush();
    });
  }

  function schedule(): void {
    if (inFlight || soon || queue.items.length === 0) return;
    const full = queue.items.length >= batch.maxEntries;
    if (full || batch.maxDelayMs <= 0) {
      if (full) {
        startFlush();
        return;
      }
      soon = true;
      queueMicrotask(() => {
        soon = false;
        if (!inFlight && queue.items.length > 0) startFlush();
      });
      return;
    }
    // A configured linger: called on every append, so the clock is read only when no timer is armed.
    if (timer) return;
    const waited = Date.now() - firstQueuedAt;
    if (waited >= batch.maxDelayMs) {
      startFlush();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      if (!inFlight && queue.items.length > 0) startFlush();
    }, batch.maxDelayMs - waited);
  }

  /**
   * Takes the next batch off the queue: the whole queue when it fits (no copying), else its head,
   * extended to the end of a group the head would cut.
   */
  function takeBatch(): Pending {
    const taken = queue;
    const count = batch.maxEntries + (taken.rest[batch.maxEntries - 1] ?? 0);
    if (taken.items.length <= count) {
      queue = nothingPending();
      return taken;
    }
    return {
      items: taken.items.splice(0, count),
      resolves: taken.resolves.splice(0, count),
      rejects: taken.rejects.splice(0, count),
      rest: taken.rest.splice(0, count),
    };
  }

  async function flush(): Promise<void> {
    // A synchronous commit (better-sqlite3) blocks the event loop through its fsync, so no request
    // can reach the queue while it runs and group commit alone would commit one entry at a time.
    // Before taking the batch, let this turn's pending I/O run (requests read from their sockets,
    // each up to its append): a turn of the loop, not a timer, so an idle append still goes at once.
    if (writer.blocking) await new Promise<void>((resolve) => setImmediate(resolve));
    let { items, resolves, rejects } = takeBatch();
    firstQueuedAt = Date.now();
    if (broken) await recover();
    if (broken) {
      for (const reject of rejects) reject(broken);
      return;
    }
    if (!writer.alongside && items.some((item) => item.alongside)) {
      const reason = unavailable('This ledger cannot commit other rows with its entries.');
      for (let i = 0; i < items.length; i++) if (items[i]!.alongside) rejects[i]!(reason);
      const keep = items.flatMap((item, i) => (item.alongside ? [] : [i]));
      if (keep.length === 0) return;
      items = keep.map((i) => items[i]!);
      resolves = keep.map((i) => resolves[i]!);
      rejects = keep.map((i) => rejects[i]!);
    }
    // Keyed entries: one query for the keys already committed (none on the unkeyed hot path, nor
    // for keys minted with their entry — a check's outbox id).
    let stored: Map<string, PrivateRecord> | undefined;
    const keys: string[] = [];
    for (const item of items) if (item.key !== undefined && !item.keyIsNew) keys.push(item.key);
    if (keys.length > 0) {
      try {
        stored = await deps.store.recordsByKey(keys);
      } catch (error) {
        deps.onError(error, `ledger key lookup for ${keys.length} entries failed`);
        const reason = unavailable('The ledger could not check the entry; it was not appended.');
        for (const reject of rejects) reject(reason);
        return;
      }
    }
    const tree = view.tree.clone();
    const previousSize = tree.size;
    const entries: Uint8Array[] = [];
    const records: PrivateRecord[] = [];
    /** Per item: its new index, or for a repeated key the item (earlier in this batch) it repeats. */
    const placed: number[] = [];
    let repeats: Map<number, Sequenced> | undefined;
    let firstOfKey: Map<string, number> | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.key !== undefined) {
        const existing = stored?.get(item.key);
        if (existing) {
          (repeats ??= new Map<number, Sequenced>()).set(
            i,
            alreadySequenced(existing, view.checkpoint.size),
          );
          placed.push(-1);
          continue;
        }
        const earlier = (firstOfKey ??= new Map<string, number>()).get(item.key);
        if (earlier !== undefined) {
          placed.push(-2 - earlier);
          continue;
        }
        firstOfKey.set(item.key, i);
      }
      placed.push(tree.size);
      records.push({
        index: tree.size,
        type: item.type,
        salt: item.salt,
        record: item.record,
        ...(item.key === undefined ? {} : { key: item.key }),
      });
      tree.appendText(item.leaf);
      entries.push(item.entry);
    }
    // The appenders' own rows, for the entries this batch adds (a key already logged had its rows
    // committed with its first entry).
    let alongside: CompiledQuery[] | undefined;
    try {
      for (let i = 0; i < items.length; i++) {
        const rows = items[i]!.alongside;
        if (rows && placed[i]! >= 0) (alongside ??= []).push(...rows(placed[i]!, items[i]!.record));
      }
    } catch (error) {
      // Nothing written yet and the view untouched: the batch's callers are told, none hangs.
      deps.onError(error, 'rows to commit alongside ledger entries could not be built');
      const reason = unavailable('The ledger could not store the entry; it was not appended.');
      for (const reject of rejects) reject(reason);
      return;
    }
    if (entries.length === 0) {
      // Every entry was already in the log: nothing to write.
      for (let i = 0; i < items.length; i++) resolves[i]!(repeats!.get(i)!);
      return;
    }
    const tiles = tree.takeChanges();
    const checkpoint = signCheckpoint(
      { origin: signer.name, size: tree.size, root: tree.root() },
      signer,
    );
    const next: CommittedView = { tree, checkpoint, tail: tailAfter(view, previousSize, entries) };
    const commitStarted = performance.now();
    try {
      await writer.commit({
        previousSize,
        entries,
        records,
        tiles,
        checkpoint: {
          size: checkpoint.size,
          root: checkpoint.root,
          note: checkpoint.note,
          createdAt: deps.clock().toISOString(),
        },
        alongside,
      });
    } catch (error) {
      deps.onError(
        error,
        `ledger commit of ${entries.length} entries at index ${previousSize} failed`,
      );
      const committed = await committedAnyway(next.checkpoint, error);
      if (!committed) {
        const reason =
          broken ??
          unavailable('The ledger could not store the entry; it was not appended. Retry later.');
        for (const reject of rejects) reject(reason);
        return;
      }
    }
    view = next;
    deps.onCommitTimed?.(entries.length, (performance.now() - commitStarted) / 1000);
    deps.onCommit(next);
    if (entries.length === items.length) {
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        resolves[i]!(new Sequenced(previousSize + i, checkpoint.size, item.leaf, item.commitment));
      }
      return;
    }
    const results: Sequenced[] = [];
    for (let i = 0; i < items.length; i++) {
      const at = placed[i]!;
      const item = items[i]!;
      const result =
        at >= 0
          ? new Sequenced(at, checkpoint.size, item.leaf, item.commitment)
          : at === -1
            ? repeats!.get(i)!
            : results[-2 - at]!;
      results.push(result);
      resolves[i]!(result);
    }
  }

  function stop(why: string): void {
    broken = unavailable(why);
    transient = false;
    deps.onStopped(broken);
  }

  /** After a failed commit: did the batch reach storage? Marks the sequencer broken if unknown. */
  async function committedAnyway(expected: SignedCheckpoint, error: unknown): Promise<boolean> {
    transient = false;
    if (error instanceof LedgerConflictError) {
      stop('Another process is writing to this ledger; this instance stopped appending.');
      return false;
    }
    if (error instanceof LedgerDurabilityError) {
      stop('The ledger storage could not make a commit durable; this instance stopped appending.');
      return false;
    }
    try {
      const latest = await deps.store.latestCheckpoint();
      if (latest?.size === expected.size && hashesEqual(latest.root, expected.root)) return true;
      if (latest?.size === view.checkpoint.size && hashesEqual(latest.root, view.checkpoint.root))
        return false;
      stop('The stored ledger changed underneath this instance; it stopped appending.');
    } catch (readError) {
      deps.onError(readError, 'ledger storage unreadable after a failed commit');
      broken = unavailable(
        'The ledger storage is unavailable; appends will resume when it answers.',
      );
      transient = true;
    }
    return false;
  }

  /**
   * Clears a transient failure once storage answers again and still matches memory. The writer is
   * reopened: on PostgreSQL its session (and advisory lock) may have died with the connection.
   */
  async function recover(): Promise<void> {
    if (!broken || !transient) return;
    try {
      await writer.release().catch(() => undefined);
      const reopened = await deps.store.openWriter();
      if (!reopened) {
        stop('Another instance took over sequencing this ledger; this one stopped appending.');
        return;
      }
      writer = reopened;
      const latest = await deps.store.latestCheckpoint();
      if (latest?.size === view.checkpoint.size && hashesEqual(latest.root, view.checkpoint.root)) {
        broken = undefined;
        transient = false;
      } else {
        stop(
          'The stored ledger changed while storage was unavailable; this instance stopped appending.',
        );
      }
    } catch (error) {
      deps.onError(error, 'ledger storage still unavailable');
    }
  }

  return {
    get canCommitAlongside() {
      return writer.alongside === true && !broken;
    },
    enqueue(item) {
      if (closed) return Promise.reject(unavailable('The ledger is shutting down.'));
      if (queue.items.length >= batch.maxQueue) {
        return Promise.reject(
          new DomainError(
            'ledger.overloaded',
            `The ledger has ${queue.items.length} entries waiting; retry shortly.`,
          ),
        );
      }
      const promise = new Promise<Sequenced>(parkResolvers);
      if (queue.items.length === 0) firstQueuedAt = Date.now();
      queue.items.push(item);
      queue.resolves.push(resolveSlot!);
      queue.rejects.push(rejectSlot!);
      queue.rest.push(0);
      schedule();
      return promise;
    },
    enqueueGroup(items) {
      if (closed) return Promise.reject(unavailable('The ledger is shutting down.'));
      if (items.length === 0) return Promise.resolve([]);
      if (queue.items.length + items.length > batch.maxQueue) {
        return Promise.reject(
          new DomainError(
            'ledger.overloaded',
            `The ledger has ${queue.items.length} entries waiting; retry shortly.`,
          ),
        );
      }
      if (queue.items.length === 0) firstQueuedAt = Date.now();
      const promises: Promise<Sequenced>[] = [];
      for (let i = 0; i < items.length; i++) {
        promises.push(new Promise<Sequenced>(parkResolvers));
        queue.items.push(items[i]!);
        queue.resolves.push(resolveSlot!);
        queue.rejects.push(rejectSlot!);
        queue.rest.push(items.length - 1 - i);
      }
      schedule();
      return Promise.all(promises);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      while (inFlight || queue.items.length > 0) {
        // Flush now, whatever a linger timer or a pending microtask would have done.
        if (!inFlight) startFlush();
        await inFlight;
      }
      await writer.release();
    },
  };
}

/** The answer for a key already in the log: the stored entry's index, leaf and commitment. */
function alreadySequenced(record: PrivateRecord, treeSize: number): Sequenced {
  const commitment = commitRecordText(record.salt, record.record);
  const { leaf } = encodeLeaf(record.type, commitment);
  return new Sequenced(record.index, treeSize, leaf, commitment);
}

/** The entries of the partial entry bundle after appending `added` at `start`. */
function tailAfter(view: CommittedView, start: number, added: readonly Uint8Array[]): Uint8Array[] {
  const end = start + added.length;
  const bundleStart = end - (end % TILE_WIDTH);
  if (bundleStart >= start) return added.slice(bundleStart - start);
  return [...view.tail, ...added];
}
