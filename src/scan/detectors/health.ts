import type { Candidate } from '../types.js';
import type { Detector } from './detector.js';
import { BYTE_WORD_CHAR, termsSource } from './terms.js';
import { LATIN_OR_LOOKALIKE_CAPITAL, isWordAt, isWordBefore } from './text-utils.js';

/**
 * Health information (a special category) in Russian, Kazakh and English (DOMAIN.md §1), plus
 * ICD-10 codes such as `J45.0` when a health word is near: on their own such codes are room
 * numbers and part numbers. Terms use the `terms.ts` notation (`~` any ending, space any white
 * space). Ambiguous words («анализы», «врач», "treatment") score below the threshold and count
 * only next to another health word, which acts as their context.
 */
export const STRONG_HEALTH_TERMS: readonly string[] = [
  // ru
  'диагноз~',
  'больничн~',
  'больниц~',
  'лист временной нетрудоспособност~',
  'листок нетрудоспособност~',
  '086/у',
  '075/у',
  '063/у',
  '026/у',
  '086-у',
  'мкб-10',
  'мкб 10',
  'мкб10',
  'мсэ',
  'инвалид~',
  'диспансерн~ учет~',
  'диспансерн~ учёт~',
  'вич',
  'спид',
  'беременн~',
  'прививк~',
  'вакцин~',
  'медицинск~ справк~',
  'медсправк~',
  'медкарт~',
  'медицинск~ карт~',
  'истори~ болезни',
  'заболевани~',
  'госпитализ~',
  'онколог~',
  'туберкул~',
  'психиатр~',
  'гепатит~',
  'диабет~',
  'анализ~ крови',
  'флюорограф~',
  'поликлиник~',
  // kk
  'еңбекке уақытша жарамсыздық парағ~',
  'хаж-10',
  'хаж 10',
  'мәс',
  'мүгедек~',
  'емхан~',
  'аурухан~',
  'диспансерлік есеп~',
  'жүкті~',
  'егу',
  'егуге',
  'егуді',
  'екпе~',
  'дәрігерлік анықтам~',
  'медициналық анықтам~',
  // en
  'diagnos~',
  'sick leave',
  'sick note',
  'medical certificate~',
  'medical record~',
  'medical history',
  'icd-10',
  'icd10',
  'disabilit~',
  'hiv',
  'pregnan~',
  'vaccinat~',
  'immunis~',
  'immuniz~',
  'blood test~',
  'hospital~',
  'tubercul~',
  'hepatitis',
  'diabet~',
  'oncolog~',
  'psychiatr~',
  'chemotherap~',
];

export const WEAK_HEALTH_TERMS: readonly string[] = [
  'анализы',
  'анализов',
  'справк~',
  'врач~',
  'лечени~',
  'рецепт~',
  'стационар~',
  'ауру~',
  'дәрігер~',
  'doctor~',
  'clinic~',
  'treatment~',
  'prescription~',
  'aids',
];

export const HEALTH_TERM_SCORE = 0.6;
export const HEALTH_WEAK_SCORE = 0.4;
export const ICD10_SCORE = 0.6;
/** How close (in bytes, about 50–100 characters) an ICD-10 code must be to a health word. */
export const ICD10_NEAR = 150;

/**
 * All terms in one trie, searched together with the byte before them: white space, a quote, an
 * opening bracket, a slash or «. The engine then only tries the trie after such a byte instead of
 * at every position (three times faster on prose), and a small anchor set matters too: each extra
 * byte in it costs about 10 %. A term glued to other punctuation («,диагноз») or after a
 * no-break space is missed; a term at the very start of the text is tried separately.
 */
const ANCHOR = `[ \\t\\n"'(/\\xAB]`;
const STRONG_TERMS = new RegExp(`${ANCHOR}${termsSource(STRONG_HEALTH_TERMS)}`, 'g');
const STRONG_AT_START = new RegExp(termsSource(STRONG_HEALTH_TERMS), 'y');
/**
 * Ambiguous words count only next to a strong term (they need it as a context word to pass the
 * threshold), so they are looked for only within this many bytes of one: the context window
 * reaches 120 bytes before and 60 after a word. Searching them everywhere cost a sixth of the
 * health detector's time.
 */
const WEAK_NEAR = 160;
/** Longer than any term with its ending (the longest, a Kazakh phrase, is ~70 bytes). */
const MAX_TERM_BYTES = 160;
const WEAK_TERMS = new RegExp(`${ANCHOR}${termsSource(WEAK_HEALTH_TERMS)}`, 'g');
const WEAK_AT_START = new RegExp(termsSource(WEAK_HEALTH_TERMS), 'y');
const ICD10 = new RegExp(`${LATIN_OR_LOOKALIKE_CAPITAL}\\d{2}(?:\\.\\d{1,2})?`, 'g');

/**
 * Finds anchored terms starting in `text[from, to)`, appending their spans. The search runs on a
 * slice: on the whole text a region without a match would send the regex on to the end.
 */
function findTerms(
  text: string,
  anchored: RegExp,
  atStart: RegExp,
  from: number,
  to: number,
  spans: number[],
): void {
  if (from === 0) {
    atStart.lastIndex = 0;
    const first = atStart.exec(text);
    if (first !== null) spans.push(0, first[0].length);
  }
  const sliceStart = Math.max(0, from - 1);
  const region =
    from === 0 && to >= text.length ? text : text.slice(sliceStart, to + MAX_TERM_BYTES);
  const shift = region === text ? 0 : sliceStart;
  const limit = to - shift;
  anchored.lastIndex = 0;
  for (let m = anchored.exec(region); m !== null && m.index < limit; m = anchored.exec(region)) {
    const start = m.index + 1 + shift;
    // The anchor byte may have been the tail of a Cyrillic letter (e.g. «Ы» ends in 0xAB).
    if (isWordBefore(text, start)) {
      anchored.lastIndex = m.index + 1;
      continue;
    }
    spans.push(start, m.index + m[0].length + shift);
  }
}

/**
 * @example
 * const out: Candidate[] = [];
 * healthDetector.find(toByteString('диагноз J45.0, больничный'), out); // 'диагноз', 'J45.0' (icd-10), 'больничный'
 */
export const healthDetector: Detector = {
  types: ['health'],
  context: { health: new RegExp(`(?<!${BYTE_WORD_CHAR})${termsSource(STRONG_HEALTH_TERMS)}`) },
  find(text: string, out: Candidate[]): void {
    const strong: number[] = [];
    findTerms(text, STRONG_TERMS, STRONG_AT_START, 0, text.length, strong);
    if (strong.length === 0) return;
    const weak: number[] = [];
    let weakSearchedTo = 0;
    for (let k = 0; k < strong.length; k += 2) {
      const from = Math.max(weakSearchedTo, strong[k]! - WEAK_NEAR);
      const to = strong[k + 1]! + WEAK_NEAR;
      if (from < to) findTerms(text, WEAK_TERMS, WEAK_AT_START, from, to, weak);
      weakSearchedTo = to;
    }
    for (let k = 0; k < strong.length; k += 2) {
      out.push({
        type: 'health',
        start: strong[k]!,
        end: strong[k + 1]!,
        score: HEALTH_TERM_SCORE,
        validated: false,
        subtype: 'term',
      });
    }
    for (let k = 0; k < weak.length; k += 2) {
      out.push({
        type: 'health',
        start: weak[k]!,
        end: weak[k + 1]!,
        score: HEALTH_WEAK_SCORE,
        validated: false,
        subtype: 'term',
      });
    }
    const anchors = strong;
    // ICD-10 codes are looked for only around health words, not over the whole text.
    let searchedTo = 0;
    for (let k = 0; k < anchors.length; k += 2) {
      const from = Math.max(searchedTo, anchors[k]! - ICD10_NEAR);
      const to = anchors[k + 1]! + ICD10_NEAR;
      const region = text.slice(from, to + 8);
      ICD10.lastIndex = 0;
      for (let m = ICD10.exec(region); m !== null && m.index + from <= to; m = ICD10.exec(region)) {
        const start = m.index + from;
        const end = start + m[0].length;
        if (isWordBefore(text, start) || isWordAt(text, end)) continue;
        out.push({
          type: 'health',
          start,
          end,
          score: ICD10_SCORE,
          validated: false,
          subtype: 'icd-10',
        });
      }
      searchedTo = to + 1;
    }
  },
};
