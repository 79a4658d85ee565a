import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../test/support/property-runs.js';
import { toByteString } from '../bytes.js';
import { detect, valuesOf } from '../test-support/detect.js';
import type { Candidate } from '../types.js';
import {
  HEALTH_TERM_SCORE,
  HEALTH_WEAK_SCORE,
  ICD10_NEAR,
  ICD10_SCORE,
  WEAK_HEALTH_TERMS,
  addHealthFindings,
  findWeak,
  isTermStart,
  mayStartStrongTerm,
  strongTermEnd,
} from './health.js';
import { termsSource } from './terms.js';

/** Weak terms the plain way: the sticky regex tried at every word start in turn. */
function weakAtEveryStart(text: string, from: number, to: number, resume: number): number[] {
  const sticky = new RegExp(termsSource(WEAK_HEALTH_TERMS), 'y');
  const spans: number[] = [];
  for (let p = Math.max(from, resume); p < to && p < text.length; p++) {
    if (!isTermStart(text, p)) continue;
    sticky.lastIndex = p;
    if (!sticky.test(text)) continue;
    spans.push(p, sticky.lastIndex);
    p = sticky.lastIndex - 1;
  }
  return spans;
}

describe('health detector', () => {
  it('finds health terms in Russian, Kazakh and English, in any usual case', () => {
    const text =
      'Диагноз: ОРВИ. Больничный лист. Справка 086/у. ВИЧ. Мүгедектік тобы. Емханаға бару. Sick leave, HIV test.';
    expect(valuesOf(text, 'health')).toEqual([
      'Диагноз',
      'Больничный',
      'Справка',
      '086/у',
      'ВИЧ',
      'Мүгедектік',
      'Емханаға',
      'Sick leave',
      'HIV',
    ]);
  });

  it('finds multi-word terms across white space', () => {
    expect(valuesOf('еңбекке уақытша жарамсыздық парағы', 'health')).toEqual([
      'еңбекке уақытша жарамсыздық парағы',
    ]);
    expect(valuesOf('лист временной\nнетрудоспособности', 'health')).toEqual([
      'лист временной\nнетрудоспособности',
    ]);
  });

  it('takes ICD-10 codes only near a health word, with Cyrillic look-alike letters', () => {
    expect(valuesOf('диагноз J45.0 и Е11', 'health')).toEqual(['диагноз', 'J45.0', 'Е11']);
    expect(valuesOf('кабинет J45, корпус B12', 'health')).toEqual([]);
  });

  it('counts ambiguous words only next to another health word', () => {
    expect(valuesOf('анализы данных готовы', 'health')).toEqual([]);
    expect(
      detect('сдать анализы для больничного', { types: ['health'] }).map((d) => d.value),
    ).toEqual(['анализы', 'больничного']);
  });

  it('does not match inside words', () => {
    expect(valuesOf('Иванович, спидометр, вичуга', 'health')).toEqual([]);
    expect(valuesOf('5диагноз, Nдиагноз, әдиагноз', 'health')).toEqual([]);
  });

  it('finds a term right after any punctuation, a no-break space or U+202F', () => {
    expect(valuesOf('справка,диагноз;больничный', 'health')).toEqual([
      'справка',
      'диагноз',
      'больничный',
    ]);
    expect(valuesOf('—ВИЧ, [диагноз], №прививка, «Диагноз»', 'health')).toEqual([
      'ВИЧ',
      'диагноз',
      'прививка',
      'Диагноз',
    ]);
    expect(valuesOf('есть\u00a0диагноз и\u202fбольничный, sick\u00a0leave', 'health')).toEqual([
      'диагноз',
      'больничный',
      'sick\u00a0leave',
    ]);
  });

  it('finds weak terms near a strong one exactly where a try at every word start does (property)', () => {
    const piece = fc.constantFrom(
      ...WEAK_HEALTH_TERMS.map((t) => t.replace('~', 'ы')),
      'Анализы',
      'ВРАЧ',
      'анализ',
      'бауру',
      'аурухана',
      'справкасы',
      'doctors',
      'aids',
      'raids',
      ' ',
      ', ',
      '«',
      '\u00a0',
      'x',
      'ж',
      '5',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.nat(200),
        fc.nat(200),
        fc.nat(50),
        (pieces, a, b, r) => {
          const text = toByteString(pieces.join(''));
          // Bounds inside the text, so that they often fall on a term's first byte.
          const [x, y] = [a % (text.length + 2), b % (text.length + 2)];
          const [from, to] = x <= y ? [x, y] : [y, x];
          const spans: number[] = [];
          findWeak(text, from, to, r, spans);
          expect(spans).toEqual(weakAtEveryStart(text, from, to, r));
        },
      ),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('tells which bytes may begin a strong term and where one starts', () => {
    const text = toByteString('xдиагноз Hiv 086/у q—5');
    // д (0xD0), H and 0 begin strong terms; x, q, the space, the dash and 5 do not.
    expect([1, 16, 20].map((p) => mayStartStrongTerm(text, p))).toEqual([true, true, true]);
    const dash = text.indexOf('\u00e2');
    expect(
      [0, 15, text.indexOf('q'), dash, dash + 3].map((p) => mayStartStrongTerm(text, p)),
    ).toEqual([false, false, false, false, false]);
    // A word start: not after a letter or digit, and never inside a character's bytes.
    expect(isTermStart(text, 1)).toBe(false);
    expect(isTermStart(text, 0)).toBe(true);
    const spaced = toByteString(' диагноз');
    expect(isTermStart(spaced, 1)).toBe(true);
    expect(isTermStart(spaced, 2)).toBe(false);
    // Inside «—» or «×» no letter comes before, yet a character's middle byte starts nothing.
    expect(isTermStart(toByteString('—'), 1)).toBe(false);
    expect(isTermStart(toByteString('×'), 1)).toBe(false);
    expect(strongTermEnd(spaced, 1)).toBe(spaced.length);
    expect(strongTermEnd(spaced, 0)).toBe(-1);
  });

  it('finds no weak term starting at the end of its range, and resumes after each one', () => {
    const text = toByteString('x врач');
    const spans: number[] = [];
    expect(findWeak(text, 0, 2, 0, spans)).toBe(0);
    expect(spans).toEqual([]);
    expect(findWeak(text, 0, 3, 0, spans)).toBe(text.length);
    expect(spans).toEqual([2, text.length]);
    // Several terms in a range that starts well into the text: each is found.
    const padded = toByteString(`${'a'.repeat(20)} врач врач врач`);
    const found: number[] = [];
    expect(findWeak(padded, 20, padded.length, 0, found)).toBe(padded.length);
    expect(found).toEqual([21, 29, 30, 38, 39, 47]);
  });

  it('finds a weak term inside a match that did not begin at a word start', () => {
    // «врач×анализы»: the open ending of «врач~» runs over «×» (a sign, not a letter), so the
    // search must go on from the byte after the failed start, not after the whole match.
    const text = toByteString('xврач×анализы');
    const spans: number[] = [];
    findWeak(text, 0, text.length, 0, spans);
    const start = toByteString('xврач×').length;
    expect(spans).toEqual([start, text.length]);
  });

  it('reports strong terms, nearby weak terms and ICD-10 codes with their scores', () => {
    const text = toByteString('врач диагноз J45.0');
    const out: Candidate[] = [];
    addHealthFindings(text, [9, 23], out);
    expect(out).toEqual([
      {
        type: 'health',
        start: 9,
        end: 23,
        score: HEALTH_TERM_SCORE,
        validated: false,
        subtype: 'term',
      },
      {
        type: 'health',
        start: 0,
        end: 8,
        score: HEALTH_WEAK_SCORE,
        validated: false,
        subtype: 'term',
      },
      {
        type: 'health',
        start: 24,
        end: 29,
        score: ICD10_SCORE,
        validated: false,
        subtype: 'icd-10',
      },
    ]);
    const none: Candidate[] = [];
    addHealthFindings(text, [], none);
    expect(none).toEqual([]);
  });

  it('looks for weak terms only within 160 bytes of a strong one', () => {
    const text = toByteString(`врач${' '.repeat(200)}диагноз врач`);
    const strongAt = 8 + 200;
    const out: Candidate[] = [];
    addHealthFindings(text, [strongAt, strongAt + 14], out);
    expect(out.map((c) => [c.start, c.end])).toEqual([
      [strongAt, strongAt + 14],
      [strongAt + 15, text.length],
    ]);
  });

  it('takes ICD-10 codes up to ICD10_NEAR bytes after a strong term, once each, not inside words', () => {
    // The strong term starts past ICD10_NEAR, so the searched region starts inside the text.
    const lead = ' '.repeat(ICD10_NEAR + 10);
    const termEnd = lead.length + 14;
    const reach = termEnd + ICD10_NEAR;
    // Codes glued to a word on either side are part numbers; «J45» at `reach` is the last one taken.
    const middle = ' aJ45 J46a K50 ';
    const gap = ' '.repeat(reach - termEnd - middle.length);
    const text = toByteString(`${lead}диагноз${middle}${gap}J45 `);
    expect(text.indexOf('J45 ', termEnd + middle.length)).toBe(reach);
    const out: Candidate[] = [];
    addHealthFindings(text, [lead.length, termEnd], out);
    const codes = out.filter((c) => c.subtype === 'icd-10').map((c) => [c.start, c.end]);
    const k50 = termEnd + middle.indexOf('K50');
    expect(codes).toEqual([
      [k50, k50 + 3],
      [reach, reach + 3],
    ]);
    // One byte further is too far.
    const late = toByteString(`${lead}диагноз${middle}${gap} J45 `);
    const lateOut: Candidate[] = [];
    addHealthFindings(late, [lead.length, termEnd], lateOut);
    expect(lateOut.filter((c) => c.subtype === 'icd-10').map((c) => c.start)).toEqual([k50]);
  });

  it('reports an ICD-10 code between two strong terms once', () => {
    // The code starts exactly where the first term's region ends; the second term's region
    // begins after it.
    const reach = 14 + ICD10_NEAR;
    const text = toByteString(`диагноз${' '.repeat(reach - 14)}J45 больница`);
    const second = reach + 4;
    const out: Candidate[] = [];
    addHealthFindings(text, [0, 14, second, text.length], out);
    expect(out.filter((c) => c.subtype === 'icd-10').map((c) => [c.start, c.end])).toEqual([
      [reach, reach + 3],
    ]);
  });
});
