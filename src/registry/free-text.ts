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

/** The free-text fields of an operator's description (its identifier is checked on its own). */
export function operatorFreeText(input: {
  readonly name?: { readonly kk: string; readonly ru: string; readonly en: string } | undefined;
  readonly contact?:
    | {
        readonly name: string;
        readonly position: string;
        readonly email: string;
        readonly phone: string;
      }
    | undefined;
}): Record<string, string | undefined> {
  return {
    'name.kk': input.name?.kk,
    'name.ru': input.name?.ru,
    'name.en': input.name?.en,
    'contact.name': input.contact?.name,
    'contact.position': input.contact?.position,
    'contact.email': input.contact?.email,
  };
}

/** The free-text fields of a system's description: names, references, recipients, locations. */
export function systemFreeText(input: {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly legalGrounds?:
    | readonly {
        readonly reference: string;
        readonly recipients?: readonly { readonly name: string; readonly identifier?: string }[];
      }[]
    | undefined;
  readonly hosting?: { readonly dataCentre: string } | undefined;
  readonly biometric?:
    | {
        readonly locations: readonly string[];
        readonly vendor: string;
        readonly templateStorage: string;
      }
    | null
    | undefined;
}): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {
    name: input.name,
    description: input.description,
    'hosting.dataCentre': input.hosting?.dataCentre,
    'biometric.vendor': input.biometric?.vendor,
    'biometric.templateStorage': input.biometric?.templateStorage,
  };
  for (const [i, location] of (input.biometric?.locations ?? []).entries())
    fields[`biometric.locations[${i}]`] = location;
  for (const [i, ground] of (input.legalGrounds ?? []).entries()) {
    fields[`legalGrounds[${i}].reference`] = ground.reference;
    for (const [j, recipient] of (ground.recipients ?? []).entries())
      fields[`legalGrounds[${i}].recipients[${j}].name`] = recipient.name;
  }
  return fields;
}
