/**
 * The string hash of the monitoring engine's hash tables (`KeyIndex`, the distinct-value windows):
 * where a key sits in a table, never what the engine computes. The keys and values come from the
 * events, and some from an operator's own fields (an actor id, a recipient's name), so a hostile
 * operator could choose them. A table with linear probing whose keys pile onto one probe sequence
 * turns each insert into a walk over all of them, and the engine runs on the answering thread.
 *
 * So the hash starts from a random seed per table or per process, and every character's step mixes
 * the high bits of the state back into the low ones (the xor-shift), and a final mix spreads the
 * rest: the low bits a table masks depend on every bit of every character. Plain FNV-1a, used here
 * before, fails this: its low k bits depend only on the low k bits of the characters and of the
 * seed, so texts whose characters differ only above bit k land on one slot whatever the seed
 * (`text-hash.test.ts` holds both to such texts).
 */
export function seededTextHash(seed: number, text: string): number {
  let hash = seed ^ text.length;
  for (let i = 0; i < text.length; i += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x9e3779b1);
    hash ^= hash >>> 15;
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  return hash ^ (hash >>> 13);
}

/** A seed for `seededTextHash`, drawn at random (31 bits). */
export const randomHashSeed = (): number => (Math.random() * 0x7fffffff) | 0;
