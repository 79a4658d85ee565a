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
const TERMS = new RegExp(
  `[ \\t\\n"'(/\\xAB]${termsSource([...STRONG_HEALTH_TERMS, ...WEAK_HEALTH_TERMS])}`,
  'g',
);
const TERMS_AT_START = new RegExp(termsSource([...STRONG_HEALTH_TERMS, ...WEAK_HEALTH_TERMS]), 'y');
/** Tells a strong term from a weak one, on a match only. */
const STRONG = new RegExp(`^(?:${termsSource(STRONG_HEALTH_TERMS)})$`);
const ICD10 = new RegExp(`${LATIN_OR_LOOKALIKE_CAPITAL}\\d{2}(?:\\.\\d{1,2})?`, 'g');

function pushTerm(
  term: string,
  start: number,
  end: number,
  out: Candidate[],
  anchors: number[],
): void {
  const strong = STRONG.test(term);
  const score = strong ? HEALTH_TERM_SCORE : HEALTH_WEAK_SCORE;
  out.push({ type: 'health', start, end, score, validated: false, subtype: 'term' });
  anchors.push(start, end);
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
    const anchors: number[] = [];
    TERMS_AT_START.lastIndex = 0;
    const first = TERMS_AT_START.exec(text);
    if (first !== null) pushTerm(first[0], 0, first[0].length, out, anchors);
    TERMS.lastIndex = 0;
    for (let m = TERMS.exec(text); m !== null; m = TERMS.exec(text)) {
      const start = m.index + 1;
      const end = m.index + m[0].length;
      // The anchor byte may have been the tail of a Cyrillic letter (e.g. «Ы» ends in 0xAB).
      if (isWordBefore(text, start)) {
        TERMS.lastIndex = start;
        continue;
      }
      pushTerm(m[0].slice(1), start, end, out, anchors);
    }
    if (anchors.length === 0) return;
    // ICD-10 codes are looked for only around health words, not over the whole text.
    let searchedTo = 0;
    for (let k = 0; k < anchors.length; k += 2) {
      const from = Math.max(searchedTo, anchors[k]! - ICD10_NEAR);
      const to = anchors[k + 1]! + ICD10_NEAR;
      ICD10.lastIndex = from;
      for (let m = ICD10.exec(text); m !== null && m.index <= to; m = ICD10.exec(text)) {
        const start = m.index;
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
