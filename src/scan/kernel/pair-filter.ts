/**
 * The kernel's first filter on word starts: two 64-entry tables of bucket bits, indexed by the low
 * six bits of a word's second byte and of its fourth byte. For a Cyrillic word those are the
 * bytes that say which letter comes first and which second (every Cyrillic and Kazakh letter is
 * `D0`–`D3` + one byte in `80`–`BF`), so the filter asks "may the first two letters begin a
 * health term?". A word start passes when `second[b1 & 63] & fourth[b3 & 63]` is not zero, which
 * the kernel computes for sixteen positions at once with four swizzles per table.
 *
 * Why buckets: a lane holds eight bits, so the term starts are grouped into eight buckets; a word
 * passes a bucket when its first letter is one of the bucket's first letters and its second one
 * of the bucket's second letters, so a bucket with many of both lets through combinations no term
 * has. First letters are assigned greedily to the bucket whose size (first letters × second
 * letters) grows least. Measured on the benchmark's chat text, 21 % of word starts pass (the
 * nibble table on the second byte alone passed half, and exact pairs would pass 10 %), which is
 * what the kernel's scalar hash probes then see.
 *
 * Every term start is in some bucket with both of its bytes, so no word that begins a term is
 * dropped (the property test in `one-pass.test.ts` checks the whole kernel against a plain
 * search). A term whose literal start has three bytes ("hiv") has no fourth byte: its bucket
 * accepts any.
 */

export const BUCKETS = 8;
const CLASSES = 64;

export interface PairTables {
  readonly second: Uint8Array;
  readonly fourth: Uint8Array;
}

export function pairTables(prefixes: Iterable<Uint8Array>): PairTables {
  // Second-byte class → the fourth-byte classes that follow it in some term start.
  const follows = new Map<number, Set<number>>();
  for (const prefix of prefixes) {
    if (prefix.length < 3) throw new RangeError('a health term needs at least three bytes');
    const first = prefix[1]! & 63;
    let set = follows.get(first);
    if (set === undefined) follows.set(first, (set = new Set()));
    if (prefix.length === 3) for (let c = 0; c < CLASSES; c++) set.add(c);
    else set.add(prefix[3]! & 63);
  }
  const buckets = Array.from({ length: BUCKETS }, () => ({
    firsts: new Set<number>(),
    seconds: new Set<number>(),
  }));
  // Largest follower sets first, so that they pick their buckets before the small ones fill in.
  const order = [...follows].sort((a, b) => b[1].size - a[1].size || a[0] - b[0]);
  for (const [first, seconds] of order) {
    let best = buckets[0]!;
    let bestGrowth = Infinity;
    for (const bucket of buckets) {
      let union = bucket.seconds.size;
      for (const s of seconds) if (!bucket.seconds.has(s)) union++;
      const growth = (bucket.firsts.size + 1) * union - bucket.firsts.size * bucket.seconds.size;
      if (growth < bestGrowth) {
        bestGrowth = growth;
        best = bucket;
      }
    }
    best.firsts.add(first);
    for (const s of seconds) best.seconds.add(s);
  }
  const second = new Uint8Array(CLASSES);
  const fourth = new Uint8Array(CLASSES);
  buckets.forEach((bucket, i) => {
    for (const c of bucket.firsts) second[c]! |= 1 << i;
    for (const c of bucket.seconds) fourth[c]! |= 1 << i;
  });
  return { second, fourth };
}
