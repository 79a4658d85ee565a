/**
 * Page cursors, and the rule for reading one back: only what the encoder wrote is a position.
 * A cursor of the right shape that the API never wrote (`["x","y"]`, an id of another kind, text
 * that sorts before every id) was once read as a place to page from — a whole list answered as a
 * "next page", odd text handed to the database to compare — so every decoder checks the exact form
 * its encoder writes and otherwise answers one 400 naming `cursor`.
 */
import { DomainError } from './errors.js';
import { isId } from './ids.js';

/** The 400 for a cursor this API did not write. */
export function cursorError(): DomainError {
  return new DomainError('request.validation', 'cursor: not a cursor this API returned', {
    field: 'cursor',
  });
}

/** An instant exactly as `Date.prototype.toISOString` writes it (`2026-12-01T09:00:00.000Z`). */
export function isIsoInstant(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text;
}

/** A position in a list ordered by (`at`, `id`). */
export interface InstantCursor {
  readonly at: string;
  readonly id: string;
}

/** `[at, id]` as base64url JSON: opaque to clients, read back by `decodeInstantCursor`. */
export function encodeInstantCursor(cursor: InstantCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/**
 * The position `encodeInstantCursor` wrote: `at` an exact ISO instant and an id `isRecordId`
 * accepts (the list's own kind of id), else the 400 naming `cursor`.
 */
export function decodeInstantCursor(
  text: string,
  isRecordId: (id: string) => boolean,
): InstantCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw cursorError();
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    isIsoInstant(value[0]) &&
    isRecordId(value[1])
  )
    return { at: value[0], id: value[1] };
  throw cursorError();
}

/** A cursor that is the last record's id (`op_01J…`): exactly an id with `prefix`, else the 400. */
export function idCursor(text: string, prefix: string): string {
  if (isId(text, prefix)) return text;
  throw cursorError();
}

/** A pseudonym as `secrets/pseudonym.ts` writes it: `p1_` and 43 base64url characters. */
const PSEUDONYM = /^p1_[A-Za-z0-9_-]{43}$/;

/** A cursor that is the last citizen's pseudonym, else the 400. */
export function pseudonymCursor(text: string): string {
  if (PSEUDONYM.test(text)) return text;
  throw cursorError();
}
