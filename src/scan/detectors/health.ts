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

const TERM_ALTERNATIVES = `(${termsSource(STRONG_HEALTH_TERMS)})|(${termsSource(WEAK_HEALTH_TERMS)})`;
/**
 * Terms are searched together with the byte before them (white space, ASCII punctuation, or the
 * last byte of NBSP, «, », “, ”, —): the engine then only tries the trie after such a byte
 * instead of at every position, which is three times faster on prose. Group 1 is a strong term,
 * group 2 a weak one. A term at the very start of the text is tried separately.
 */
const TERMS = new RegExp(
  `[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F\\x94\\x9C\\x9D\\xA0\\xAB\\xBB](?:${TERM_ALTERNATIVES})`,
  'g',
);
const TERMS_AT_START = new RegExp(`(?:${TERM_ALTERNATIVES})`, 'y');
const ICD10 = new RegExp(`${LATIN_OR_LOOKALIKE_CAPITAL}\\d{2}(?:\\.\\d{1,2})?`, 'g');

function pushTerm(
  m: RegExpExecArray,
  start: number,
  end: number,
  out: Candidate[],
  anchors: number[],
): void {
  const strong = m[1] !== undefined;
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
    if (first !== null) pushTerm(first, 0, first[0].length, out, anchors);
    TERMS.lastIndex = 0;
    for (let m = TERMS.exec(text); m !== null; m = TERMS.exec(text)) {
      const start = m.index + 1;
      const end = m.index + m[0].length;
      // The anchor byte may have been the tail of a Cyrillic letter (e.g. «Ы» ends in 0xAB).
      if (isWordBefore(text, start)) {
        TERMS.lastIndex = start;
        continue;
      }
      pushTerm(m, start, end, out, anchors);
    }
    if (anchors.length === 0) return;
    ICD10.lastIndex = 0;
    for (let m = ICD10.exec(text); m !== null; m = ICD10.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (isWordBefore(text, start) || isWordAt(text, end)) continue;
      const near = anchors.some(
        (a) => Math.abs(a - start) <= ICD10_NEAR || Math.abs(a - end) <= ICD10_NEAR,
      );
      if (near)
        out.push({
          type: 'health',
          start,
          end,
          score: ICD10_SCORE,
          validated: false,
          subtype: 'icd-10',
        });
    }
  },
};
