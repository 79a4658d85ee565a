/** Durations as Sigma writes them: a positive whole number and a unit, `30s`, `10m`, `1h`, `1d`, `1w`. */
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** At most a year: a window longer than that is a typo, and would hold memory for nothing. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** Milliseconds, or null when the text is not a duration in range. */
export function parseDuration(text: string): number | null {
  const match = /^([1-9][0-9]{0,8})([smhdw])$/.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : null;
}
