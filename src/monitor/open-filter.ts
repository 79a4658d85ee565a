/**
 * A counting filter over texts: how many open groups may hold each text, in a typed array
 * indexed by the text's hash. `mayHold` is false only when no added text (not yet removed) has
 * that hash, so it never misses a text held; a collision only costs the caller its exact lookup.
 *
 * The engine uses one per `temporal_ordered` rule to skip, for most permitted checks, the lookup
 * of an (operator, actor, subject) group: answering "no group has this subject" from one slot of
 * a typed array costs a fraction of a hash-table probe among a hundred thousand string keys.
 * `open-filter.test.ts` holds it to a plain count per text.
 */
const DEFAULT_BITS = 20;

/** FNV-1a over the UTF-16 code units. */
export function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class OpenFilter {
  readonly #counts: Uint32Array;
  readonly #mask: number;

  constructor(bits = DEFAULT_BITS) {
    this.#counts = new Uint32Array(1 << bits);
    this.#mask = (1 << bits) - 1;
  }

  add(text: string): void {
    this.#counts[textHash(text) & this.#mask]! += 1;
  }

  /** Removes one `add` of `text` (which must have been added). */
  remove(text: string): void {
    this.#counts[textHash(text) & this.#mask]! -= 1;
  }

  mayHold(text: string): boolean {
    return this.#counts[textHash(text) & this.#mask] !== 0;
  }
}
