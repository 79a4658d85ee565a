/**
 * Age on a given day, from the birth date the IIN encodes. A minor (under 18 on the day) cannot
 * consent alone; on their eighteenth birthday the guardian loses the right to act for them.
 */

/** Full years between `birthDate` and `day` (both `YYYY-MM-DD`); a 29 February birthday counts on 1 March. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  const hadBirthday = m > bm || (m === bm && d >= bd);
  return y - by - (hadBirthday ? 0 : 1);
}

export const AGE_OF_MAJORITY = 18;

export function isMinorOn(birthDate: string, day: string): boolean {
  return ageOn(birthDate, day) < AGE_OF_MAJORITY;
}

/** The day a person born on `birthDate` comes of age (`YYYY-MM-DD`; 29 Feb → 1 Mar in common years). */
export function majorityDate(birthDate: string): string {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(by + AGE_OF_MAJORITY, bm - 1, bd));
  return date.toISOString().slice(0, 10);
}
