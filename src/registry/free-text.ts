/**
 * Free text (reasons, labels, names, issuers) is stored in registry tables, the history and the
 * private ledger records, none of which may hold a raw IIN. A field that contains one is refused,
 * naming the field and never echoing the value. "Contains an IIN" is the scanner's definition
 * (twelve digits, bounded, proved by the check digits), so there is only one.
 */
import { DomainError } from '../core/errors.js';
import { createEngine, toByteString } from '../scan/index.js';

const iinEngine = createEngine({ types: ['iin'] });

export function containsIin(text: string): boolean {
  return iinEngine.detect(toByteString(text)).some((finding) => finding.type === 'iin');
}

/** Throws `registry.identifier_in_text` for the first field (by name) whose text holds an IIN. */
export function refuseIinInFreeText(
  fields: Readonly<Record<string, string | null | undefined>>,
): void {
  for (const [field, text] of Object.entries(fields)) {
    if (text && /\d/.test(text) && containsIin(text)) {
      throw new DomainError(
        'registry.identifier_in_text',
        `${field}: the text contains an IIN; describe the case without personal identifiers.`,
        { field },
      );
    }
  }
}
