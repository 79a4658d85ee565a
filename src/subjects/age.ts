/** Age on a day, from a birth date: pure, no clock. */

/**
 * Full years between `birthDate` and `day` (both `YYYY-MM-DD`; `day` may be a full ISO instant,
 * its date part is used). A 29 February birthday counts on 1 March in common years, as the
 * consent module's coming-of-age date does.
 */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  const hadBirthday = m > bm || (m === bm && d >= bd);
  return y - by - (hadBirthday ? 0 : 1);
}
