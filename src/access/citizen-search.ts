/**
 * The citizen's search over their own access records (`GET /v1/me/accesses?search=`), pure.
 *
 * What a person reads on a record is not what the row holds: names come from the registry (kk /
 * ru / en, as they are now), purposes, categories and countries are codes with labels in three
 * languages, and two fields are free text (the basis reference and the recipient's name). Rather
 * than match text in SQL — where SQLite folds only ASCII case and PostgreSQL's folding follows the
 * database's locale, so "халық" would find "Халық банк" on one engine and not the other — each
 * word is resolved here, with full Unicode folding, to the exact values it matches: the systems
 * and operators whose names or ids contain it, the taxonomy codes whose code or labels contain
 * it, and the citizen's own distinct free-text values that contain it. The store then asks for
 * rows with those values, on the subject's index (`access-search.store.ts`), so paging stays a
 * keyset walk and both engines answer alike.
 *
 * Every word must match (somewhere on the record); a word matches a record when any field does.
 */
import { countryName, ISO_COUNTRIES, type Labels, type TaxonomyIndex } from '../core/taxonomy.js';

/** At most this many words are used; more would narrow nothing a person needs. */
export const MAX_SEARCH_WORDS = 8;

/** What the citizen's own records hold in the searched fields, read by the store. */
export interface SearchFacets {
  /** Each system the citizen's records name, with its registry names (absent if it is gone). */
  readonly systems: readonly {
    readonly systemId: string;
    readonly operatorId: string;
    readonly systemName?: string | undefined;
    readonly operatorName?: Labels | undefined;
  }[];
  /** Distinct basis references of the citizen's records. */
  readonly basisReferences: readonly string[];
  /** Distinct stored recipients (`recipient_json`) with the name each carries. */
  readonly recipients: readonly { readonly json: string; readonly name: string }[];
}

/** The exact values one word matches; a record matches the word if any of its fields is here. */
export interface WordMatch {
  readonly systemIds: readonly string[];
  readonly operatorIds: readonly string[];
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  readonly countries: readonly string[];
  readonly basisReferences: readonly string[];
  readonly recipients: readonly string[];
}

/** Case- and width-insensitive form used on both sides (NFKC, then Unicode lower case). */
export const fold = (text: string): string => text.normalize('NFKC').toLowerCase();

/** The words of a search text, folded; empty when there is nothing to search for. */
export function searchWords(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [...new Set(fold(text).split(/\s+/u).filter(Boolean))].slice(0, MAX_SEARCH_WORDS);
}

const labelled = (word: string, code: string, labels: Labels) =>
  fold(code).includes(word) ||
  fold(labels.kk).includes(word) ||
  fold(labels.ru).includes(word) ||
  fold(labels.en).includes(word);

// Country names in the three languages, folded once (Intl.DisplayNames is dear to build).
let countryTexts: readonly { readonly code: string; readonly text: string }[] | undefined;
function countries() {
  countryTexts ??= [...ISO_COUNTRIES].map((code) => ({
    code,
    text: fold(
      [code, countryName(code, 'kk'), countryName(code, 'ru'), countryName(code, 'en')].join('\n'),
    ),
  }));
  return countryTexts;
}

/** Resolves one folded word to the values it matches among the taxonomy and the facets. */
export function matchWord(word: string, facets: SearchFacets, taxonomy: TaxonomyIndex): WordMatch {
  const systems = facets.systems.filter(
    (s) =>
      fold(s.systemId).includes(word) ||
      (s.systemName !== undefined && fold(s.systemName).includes(word)),
  );
  const operators = facets.systems.filter(
    (s) =>
      fold(s.operatorId).includes(word) ||
      (s.operatorName !== undefined && labelled(word, s.operatorId, s.operatorName)),
  );
  return {
    systemIds: [...new Set(systems.map((s) => s.systemId))],
    operatorIds: [...new Set(operators.map((s) => s.operatorId))],
    purposes: taxonomy.taxonomy.purposes
      .filter((p) => labelled(word, p.code, p.labels))
      .map((p) => p.code),
    categories: taxonomy.taxonomy.categories
      .filter((c) => labelled(word, c.code, c.labels))
      .map((c) => c.code),
    countries: countries()
      .filter((c) => c.text.includes(word))
      .map((c) => c.code),
    basisReferences: facets.basisReferences.filter((r) => fold(r).includes(word)),
    recipients: facets.recipients.filter((r) => fold(r.name).includes(word)).map((r) => r.json),
  };
}

/** True when a word matches nothing at all: then no record can match the search. */
export const matchesNothing = (m: WordMatch): boolean =>
  m.systemIds.length +
    m.operatorIds.length +
    m.purposes.length +
    m.categories.length +
    m.countries.length +
    m.basisReferences.length +
    m.recipients.length ===
  0;

/** The fields of a stored record the search looks at, as the store holds them. */
export interface SearchedRow {
  readonly system_id: string;
  readonly operator_id: string;
  readonly purpose: string;
  readonly categories_json: string;
  readonly country: string | null;
  readonly basis_reference: string | null;
  readonly recipient_json: string | null;
}

/**
 * The same test the store's query makes, on one row: every word matches one of its fields. For
 * stores kept in memory (the timeline benchmark's API) and to hold the SQL to the same meaning.
 */
export function rowMatches(row: SearchedRow, words: readonly WordMatch[]): boolean {
  const categories = JSON.parse(row.categories_json) as string[];
  return words.every(
    (m) =>
      m.systemIds.includes(row.system_id) ||
      m.operatorIds.includes(row.operator_id) ||
      m.purposes.includes(row.purpose) ||
      categories.some((c) => m.categories.includes(c)) ||
      (row.country !== null && m.countries.includes(row.country)) ||
      (row.basis_reference !== null && m.basisReferences.includes(row.basis_reference)) ||
      (row.recipient_json !== null && m.recipients.includes(row.recipient_json)),
  );
}
