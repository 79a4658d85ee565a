/**
 * Instants as the stores keep them: UTC ISO 8601 with milliseconds (`2026-11-25T09:00:00.000Z`,
 * 24 characters). Every stored instant is compared as text (`valid_until > at`) and kept in a
 * `varchar(32)` column, so one kept as sent breaks both: an offset (`…T05:00+05:00`) sorts hours
 * away from the UTC instant it names, and a long fraction overflows the column — which SQLite
 * stores anyway and PostgreSQL refuses (a 500 there only).
 */
import { DomainError } from './errors.js';

/** `value` (an RFC 3339 date-time, as the schemas' `date-time` format takes) in its UTC form. */
export function utcInstant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new DomainError('request.validation', `${field}: not an ISO 8601 date-time.`, { field });
  return new Date(ms).toISOString();
}
