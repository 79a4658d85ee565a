/**
 * Lists that name a set (days of the week, rule ids, a ground's purposes) are refused when a value
 * comes twice: a repeat says the sender meant something else. Every such check names the repeat
 * and where the value was first listed, so one helper finds both.
 */

/** Where a list first repeats itself: the repeat's index and the index of its first listing. */
export interface Repeat {
  readonly index: number;
  readonly first: number;
}

/**
 * The first value of `values` equal to an earlier one, comparing `key(value)` (the value itself by
 * default) as a Map does (SameValueZero: strings and numbers by value, objects by identity, so give
 * objects a key such as their canonical JSON); null when each is listed once.
 */
export function firstRepeat<T>(
  values: readonly T[],
  key: (value: T) => unknown = (value) => value,
): Repeat | null {
  const firstAt = new Map<unknown, number>();
  for (const [index, value] of values.entries()) {
    const k = key(value);
    const first = firstAt.get(k);
    if (first !== undefined) return { index, first };
    firstAt.set(k, index);
  }
  return null;
}
