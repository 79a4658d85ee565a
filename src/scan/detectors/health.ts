import type { Candidate } from '../types.js';
import type { Detector } from './detector.js';
import { BYTE_WORD_CHAR, literalPrefixes, termsSource } from './terms.js';
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
 * A term starts where no letter or digit of any script comes before it: after white space
 * (including U+00A0 and U+202F), any punctuation («,диагноз», «—диагноз»), or at the start of the
 * text. The tries are sticky regular expressions tried only at such positions: the byte kernel
 * (`kernel/byte-kernel.ts`) finds the word starts whose first bytes begin a strong term, so the
 * regex runs a few thousand times per megabyte instead of scanning it.
 */
const STRONG_AT = new RegExp(termsSource(STRONG_HEALTH_TERMS), 'y');
const WEAK_AT = new RegExp(termsSource(WEAK_HEALTH_TERMS), 'y');
/**
 * Ambiguous words count only next to a strong term (they need it as a context word to pass the
 * threshold), so they are looked for only within this many bytes of one: the context window
 * reaches 120 bytes before and 60 after a word.
 */
const WEAK_NEAR = 160;
const ICD10 = new RegExp(`${LATIN_OR_LOOKALIKE_CAPITAL}\\d{2}(?:\\.\\d{1,2})?`, 'g');

/** The literal start of every strong term variant, for the kernel's prefix filters. */
export function strongTermPrefixes(): Uint8Array[] {
  return literalPrefixes(STRONG_HEALTH_TERMS);
}

/** First bytes of the strong terms (as written, Capitalised, in capitals). */
const STRONG_FIRST_BYTES = new Uint8Array(256);
for (const prefix of strongTermPrefixes()) STRONG_FIRST_BYTES[prefix[0]!] = 1;

/**
 * Whether a strong term can start with the byte at `p`: a cheap test before `isTermStart`, which
 * decodes the character before `p` (the byte kernel reports every «№», «—» and no-break space,
 * 130 000 per 200 MB of chat text, and most are followed by a digit or a space).
 */
export function mayStartStrongTerm(text: string, p: number): boolean {
  return STRONG_FIRST_BYTES[text.charCodeAt(p)] === 1;
}

/** The end of the strong term starting at `start` (a word start), or -1. */
export function strongTermEnd(text: string, start: number): number {
  STRONG_AT.lastIndex = start;
  return STRONG_AT.test(text) ? STRONG_AT.lastIndex : -1;
}

function isContinuation(code: number): boolean {
  return (code & 0xc0) === 0x80;
}

/** Whether a term may start at byte `p`: the start of a character with no letter or digit before. */
export function isTermStart(text: string, p: number): boolean {
  return !isContinuation(text.charCodeAt(p)) && !isWordBefore(text, p);
}

/**
 * Weak terms anywhere, to find where `WEAK_AT` is worth trying: one regex search over the bytes
 * near a strong term instead of a word-start test and a sticky match at each of them (~300 per
 * strong term, 15 ms per 200 MB of chat text).
 */
const WEAK_ANYWHERE = new RegExp(termsSource(WEAK_HEALTH_TERMS), 'g');
/**
 * Bytes searched past `to`: the longest literal part of a weak term. A term that matches at `p`
 * in the whole text matches at `p` in a slice that holds its literal part (a shorter ending, or
 * the slice's end where the text would go on), so no start is missed; the sticky `WEAK_AT` on the
 * whole text then decides, as before.
 */
const WEAK_REACH = Math.max(...literalPrefixes(WEAK_HEALTH_TERMS).map((p) => p.length)) + 4;

/**
 * Weak terms at word starts in `[from, to)` from `resume` on (matches do not overlap), as start,
 * end pairs appended to `spans`. Returns where a later search resumes.
 */
export function findWeak(
  text: string,
  from: number,
  to: number,
  resume: number,
  spans: number[],
): number {
  const lo = Math.max(from, resume);
  const hi = Math.min(to, text.length);
  if (lo >= hi) return resume;
  const region = text.slice(lo, hi + WEAK_REACH);
  WEAK_ANYWHERE.lastIndex = 0;
  for (let m = WEAK_ANYWHERE.exec(region); m !== null; m = WEAK_ANYWHERE.exec(region)) {
    const p = lo + m.index;
    if (p >= hi) break;
    WEAK_AT.lastIndex = p;
    if (isTermStart(text, p) && WEAK_AT.test(text)) {
      spans.push(p, WEAK_AT.lastIndex);
      resume = WEAK_AT.lastIndex;
      WEAK_ANYWHERE.lastIndex = resume - lo;
    } else {
      WEAK_ANYWHERE.lastIndex = m.index + 1;
    }
  }
  return resume;
}

/**
 * The health findings around the strong terms already found (`strong`: start, end pairs in text
 * order): the terms themselves, ambiguous words within `WEAK_NEAR` bytes of one, and ICD-10 codes
 * within `ICD10_NEAR` bytes (on their own such codes are room and part numbers).
 *
 * @example
 * const text = toByteString('диагноз J45.0, больничный');
 * const out: Candidate[] = [];
 * addHealthFindings(text, [0, 14, 22, 42], out); // 'диагноз', 'больничный', 'J45.0' (icd-10)
 */
export function addHealthFindings(text: string, strong: readonly number[], out: Candidate[]): void {
  if (strong.length === 0) return;
  const weak: number[] = [];
  let weakSearchedTo = 0;
  let weakResume = 0;
  for (let k = 0; k < strong.length; k += 2) {
    const from = Math.max(weakSearchedTo, strong[k]! - WEAK_NEAR);
    const to = strong[k + 1]! + WEAK_NEAR;
    if (from < to) weakResume = findWeak(text, from, to, weakResume, weak);
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
  // ICD-10 codes are looked for only around health words, not over the whole text.
  let searchedTo = 0;
  for (let k = 0; k < strong.length; k += 2) {
    const from = Math.max(searchedTo, strong[k]! - ICD10_NEAR);
    const to = strong[k + 1]! + ICD10_NEAR;
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
}

/** Health terms are found by the engine from the kernel's word starts (see `addHealthFindings`). */
export const healthDetector: Detector = {
  types: ['health'],
  context: { health: new RegExp(`(?<!${BYTE_WORD_CHAR})${termsSource(STRONG_HEALTH_TERMS)}`) },
};
