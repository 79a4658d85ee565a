/**
 * A synthetic labelled corpus for the scanner (deterministic: the same seed gives the same bytes).
 * Chat-like text in Kazakh, Russian and English with identifiers planted in it — valid ones,
 * labelled, and ones with a broken check digit, which must not be found — written as plain text,
 * a Telegram Desktop export, a WhatsApp export and a CSV, so the readers are measured too.
 */
import {
  breakCard,
  breakCheckDigit,
  breakIban,
  centuryDigit,
  groupCard,
  makeBin,
  makeCard,
  makeIban,
  makeIin,
} from '../../src/scan/test-support/identifiers.js';
import type { PiiType } from '../../src/scan/types.js';

/** mulberry32: a small seeded PRNG, enough for reproducible corpora. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
  return { next, int, pick, digits };
}
export type Random = ReturnType<typeof createRandom>;

const VOCABULARY = {
  kk: 'сәлеметсіз бе құрметті ата-аналар ертең мектепте жиналыс болады балалардың құжаттарын жіберіңіз рақмет үлкен сынып жетекшісі сабақ кесте үй тапсырмасы қай уақытта келесі аптада міндетті түрде хабарласыңыз оқушылар демалыс ақша жинау экскурсия мұғалім'.split(
    ' ',
  ),
  ru: 'здравствуйте уважаемые родители завтра в школе собрание пришлите пожалуйста документы детей спасибо большое классный руководитель расписание уроков домашнее задание во сколько на следующей неделе обязательно свяжитесь ученики каникулы сбор денег экскурсия учитель договорились напоминаю'.split(
    ' ',
  ),
  en: 'hello dear parents tomorrow the school holds a meeting please send the documents of the children thank you class teacher timetable homework at what time next week be sure to call pupils holidays collecting money trip agreed reminder'.split(
    ' ',
  ),
  noise:
    '12:30 10:00 18:45 №5 2024 2025 12.05.2024 01.09.2025 15000 5000тг 3Б 204 каб. 5-й 100% ул.Абая,10 v1.2.3 1/2 №12345 ISO9001 8(7272)'.split(
      ' ',
    ),
};

/** Health phrases (labelled as health) and context words per type. */
const HEALTH = [
  'диагноз',
  'больничный лист',
  'справка 086/у',
  'ВИЧ',
  'мүгедектік',
  'емханаға',
  'sick leave',
  'diagnosis',
  'прививка',
  'жүктілік',
];
const CONTEXT: Partial<Record<PiiType, readonly string[]>> = {
  iin: ['ИИН', 'ЖСН', 'IIN', 'иин ребёнка'],
  bin: ['БИН', 'БСН', 'BIN компании'],
  iban: ['IBAN', 'счёт', 'шот'],
  card: ['карта', 'Kaspi', 'card'],
  phone: ['тел.', 'номер', 'phone'],
  email: ['почта', 'email'],
  passport: ['паспорт', 'passport'],
  'id-card': ['удостоверение', 'жеке куәлік'],
  plate: ['госномер', 'көлік'],
};

export interface Planted {
  readonly type: PiiType;
  /** The value as written in the text. */
  readonly value: string;
}

function validIin(r: Random): string {
  for (;;) {
    const year = r.int(1940, 2024);
    const v = makeIin(
      year,
      r.int(1, 12),
      r.int(1, 28),
      centuryDigit(year, r.next() < 0.5),
      r.int(0, 9999),
    );
    if (v !== null) return v;
  }
}
function validBin(r: Random): string {
  for (;;) {
    const v = makeBin(r.int(0, 99), r.int(1, 12), r.int(4, 6), r.int(0, 3), r.int(0, 99999));
    if (v !== null) return v;
  }
}
const CARD_PREFIXES: readonly [string, number][] = [
  ['4400', 16],
  ['4', 16],
  ['5536', 16],
  ['2200', 16],
  ['2202', 16],
  ['2221', 16],
  ['37', 15],
  ['62', 16],
];
const PHONE_CODES = [
  '700',
  '701',
  '702',
  '705',
  '707',
  '708',
  '747',
  '771',
  '775',
  '776',
  '777',
  '778',
];

const FOREIGN_IBANS: readonly [string, number][] = [
  ['DE', 22],
  ['GB', 22],
  ['TR', 26],
  ['AE', 23],
  ['FR', 27],
  ['NL', 18],
];

/** One identifier of `type`, valid or with a broken check digit. */
export function makeValue(r: Random, type: PiiType, valid: boolean): string {
  switch (type) {
    case 'iin':
      return valid ? validIin(r) : breakCheckDigit(validIin(r));
    case 'bin':
      return valid ? validBin(r) : breakCheckDigit(validBin(r));
    case 'iban': {
      const [country, length] = r.pick(FOREIGN_IBANS);
      const iban =
        r.next() < 0.8
          ? makeIban('KZ', r.digits(3) + r.pick(['KZT', '000', '001']) + r.digits(10))
          : makeIban(country, r.digits(length - 4));
      const shown = valid ? iban : breakIban(iban);
      return r.next() < 0.3 ? shown.match(/.{1,4}/g)!.join(' ') : shown;
    }
    case 'card': {
      const [prefix, length] = r.pick(CARD_PREFIXES);
      const card = makeCard(prefix, length, r.digits(18));
      const shown = valid ? card : breakCard(card);
      return length === 16 && r.next() < 0.6 ? groupCard(shown, r.pick([' ', ' ', '-'])) : shown;
    }
    case 'phone': {
      const code = r.pick(PHONE_CODES);
      const n = r.digits(7);
      return r.pick([
        `+7 ${code} ${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5)}`,
        `8${code}${n}`,
        `+7 (${code}) ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`,
      ]);
    }
    case 'email':
      return `${r.pick(['aigerim', 'yerzhan', 'dana.k', 'a.nurlanov', 'gulnar85'])}${r.int(1, 999)}@${r.pick(['mail.kz', 'gmail.com', 'mail.ru', 'edu.kz'])}`;
    case 'passport':
      return `N${r.digits(8)}`;
    case 'id-card':
      return `0${r.digits(8)}`;
    case 'plate':
      return `${r.digits(3)} ${r.pick(['ABC', 'KZA', 'BNM', 'AAE'])} ${String(r.int(1, 20)).padStart(2, '0')}`;
    case 'health':
    case 'ip':
    case 'mrz':
    case 'vin':
      throw new RangeError(`no generator for ${type}`);
  }
}

export const CORPUS_TYPES: readonly PiiType[] = [
  'iin',
  'bin',
  'iban',
  'card',
  'phone',
  'email',
  'passport',
  'id-card',
  'plate',
  'health',
];
const CHECKSUMMED = new Set<PiiType>(['iin', 'bin', 'iban', 'card']);

function words(r: Random, n: number): string {
  const lang = r.pick(['kk', 'ru', 'en'] as const);
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(r.next() < 0.08 ? r.pick(VOCABULARY.noise) : r.pick(VOCABULARY[lang]));
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface Message {
  readonly text: string;
  readonly planted: readonly Planted[];
}

/**
 * One chat message: words, and with probability `density` one or two planted items. Types
 * without a checksum get their context word (the scanner is meant to need it); a third of the
 * checksummed identifiers appear bare, and a third of all planted identifiers are broken decoys.
 */
export function makeMessage(r: Random, density: number): Message {
  const planted: Planted[] = [];
  const parts = [words(r, r.int(3, 14))];
  const items = r.next() < density ? r.int(1, 2) : 0;
  for (let k = 0; k < items; k++) {
    const type = r.pick(CORPUS_TYPES);
    if (type === 'health') {
      const phrase = r.pick(HEALTH);
      parts.push(phrase);
      planted.push({ type, value: phrase });
    } else {
      const valid = !CHECKSUMMED.has(type) || r.next() < 0.67;
      const value = makeValue(r, type, valid);
      const needsContext = !CHECKSUMMED.has(type) || r.next() < 0.67;
      parts.push(needsContext ? `${r.pick(CONTEXT[type]!)} ${value}` : value);
      if (valid) planted.push({ type, value });
    }
    parts.push(words(r, r.int(2, 8)));
  }
  return { text: parts.join(' '), planted };
}
