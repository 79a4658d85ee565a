/**
 * Free text in consent records (a request's message and recipients' names, a withdrawal
 * ground's reason and reference, a guardianship's reference) is stored, shown to the citizen and,
 * for grounds and guardianships, written to the private ledger record: none may hold a raw IIN.
 * "Holds an IIN" is the scanner's definition (twelve digits, bounded, proved by the check
 * digits), as for the registry's free text. A field that holds one is refused, naming the field
 * and never echoing the value.
 */
import { DomainError } from '../core/errors.js';
import { createEngine, toByteString } from '../scan/index.js';

const iinEngine = createEngine({ types: ['iin'] });

/** Throws `registry.identifier_in_text` for the first field (in order) whose text holds an IIN. */
export function refuseIinInText(fields: readonly (readonly [string, string | undefined])[]): void {
  for (const [field, text] of fields)
    if (
      text &&
      /\d/.test(text) &&
      iinEngine.detect(toByteString(text)).some((finding) => finding.type === 'iin')
    )
      throw new DomainError(
        'registry.identifier_in_text',
        `${field}: the text contains an IIN; describe the case without personal identifiers.`,
        { field },
      );
}

/** The fields of a text in kk / ru / en, named `${prefix}.kk` and so on. */
export const labelFields = (
  prefix: string,
  labels: { readonly kk: string; readonly ru: string; readonly en: string },
): [string, string][] => [
  [`${prefix}.kk`, labels.kk],
  [`${prefix}.ru`, labels.ru],
  [`${prefix}.en`, labels.en],
];
