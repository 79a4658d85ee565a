/**
 * Instants as stored text. Every instant Qalqan stores is compared as text — in SQL
 * (`valid_until <= ?`) and in code — which orders instants correctly only when every one is
 * written the same way: `2027-12-31T00:00:00+05:00` sorts after `2027-12-30T20:00:00.000Z` though it
 * is an hour earlier, and `…:00Z` after `…:00.500Z`. The one way is `Date#toISOString`'s, UTC
 * milliseconds (`YYYY-MM-DDTHH:mm:ss.sssZ`); what a client sends is brought to it on the way in
 * (`http/validation.ts`).
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

// The JSON Schema `date-time` check the API validates with (RFC 3339, days of the month checked).
const isDateTime = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate;

/**
 * The canonical UTC form of an RFC 3339 date-time, or undefined for text that is not one or that
 * has no canonical form: a leap second (`…:60Z`, which no JavaScript `Date` holds) or a year
 * outside 0000–9999 once its offset is applied (written with a sign and six digits, which no
 * longer sorts as text).
 */
export function canonicalInstant(value: string): string | undefined {
  if (!isDateTime(value)) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999 ? date.toISOString() : undefined;
}
