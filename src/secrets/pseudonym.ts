/**
 * Subject pseudonyms: HMAC-SHA-256 of the IIN under a server secret. Subjects are keyed by this
 * value everywhere, so a database dump without the key reveals no IIN, and the 12-digit space is
 * too small for an unkeyed hash to hide anything (about 10^9 plausible IINs).
 */
import { createHmac } from 'node:crypto';
import { checkIin } from '../core/identifiers.js';
import { DomainError } from '../core/errors.js';

/** Domain separation: the same key must never yield equal digests for different purposes. */
const PSEUDONYM_LABEL = 'qalqan/subject-pseudonym/v1\n';

export type Pseudonymizer = (iin: string) => string;

/**
 * @example
 * const pseudonymOf = createPseudonymizer(key);
 * pseudonymOf('900515201238'); // 'p1_Vb3…' (43 base64url characters after the prefix)
 */
export function createPseudonymizer(key: Buffer): Pseudonymizer {
  if (key.length < 32) throw new RangeError('pseudonym key must be at least 32 bytes');
  return (iin: string): string => {
    const check = checkIin(iin);
    if (!check.valid)
      throw new DomainError('core.invalid_iin', check.message, { reason: check.reason });
    const digest = createHmac('sha256', key)
      .update(PSEUDONYM_LABEL)
      .update(iin)
      .digest('base64url');
    return `p1_${digest}`;
  };
}
