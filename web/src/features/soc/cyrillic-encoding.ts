/**
 * Which single-byte encoding a Russian or Kazakh text file that is not UTF-8 was saved in. Five
 * are still met: Windows-1251 (Excel's plain "CSV" in a Russian or Kazakh Windows), CP866 (DOS
 * programs and the Windows console), KOI8-R (older Unix systems and mail), and the two that hold
 * the Kazakh letters, KZ-1048 (Kazakhstan's standard, Windows-1251 with them in place of Serbian
 * and Ukrainian letters) and PT154 (ParaType's, older), met in exports from Kazakh systems. Each
 * maps every byte to some character, so no decoder fails on the wrong one: the file is decoded
 * with all five (the WHATWG `TextDecoder`, in the browser and in Node, for the first three; for
 * the Kazakh ones, which it lacks, iconv-lite's tables in `kazakh-code-pages.ts`) and the text
 * that reads most like Cyrillic names and prose wins. ASCII is the same in all five, so IINs,
 * Latin actor ids and separators read the same whichever wins. Pure: bytes in, text and encoding
 * out.
 */
import { KAZAKH_CODE_PAGES } from './kazakh-code-pages';

export const LEGACY_ENCODINGS = ['windows-1251', 'ibm866', 'koi8-r', 'kz-1048', 'pt154'] as const;
export type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

export const isLegacyEncoding = (encoding: string | undefined): encoding is LegacyEncoding =>
  (LEGACY_ENCODINGS as readonly (string | undefined)[]).includes(encoding);

/** How the page names each encoding (the same in every language). */
export const LEGACY_ENCODING_NAMES: Readonly<Record<LegacyEncoding, string>> = {
  'windows-1251': 'Windows-1251',
  ibm866: 'CP866',
  'koi8-r': 'KOI8-R',
  'kz-1048': 'KZ-1048',
  pt154: 'PT154',
};

/** The letters of the Kazakh alphabet that the Russian one lacks. */
const KAZAKH_OWN_LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'] as const;

/**
 * Which of them each encoding cannot hold (so a file saved in it has "?" for each): all but і in
 * Windows-1251, all of them in CP866 and KOI8-R, none in KZ-1048 and PT154 (the test reads each
 * encoding's 256 bytes).
 */
export const KAZAKH_LETTERS_LACKING: Readonly<Record<LegacyEncoding, readonly string[]>> = {
  'windows-1251': KAZAKH_OWN_LETTERS.filter((letter) => letter !== 'і'),
  ibm866: KAZAKH_OWN_LETTERS,
  'koi8-r': KAZAKH_OWN_LETTERS,
  'kz-1048': [],
  pt154: [],
};

/**
 * Whether a file read in `encoding` may hold "?" for Kazakh letters it could not be saved with:
 * Windows-1251, CP866 or KOI8-R (`refuseLostLetters` then keeps such lines from being sent).
 */
export const losesKazakhLetters = (encoding: string | undefined): boolean =>
  isLegacyEncoding(encoding) && KAZAKH_LETTERS_LACKING[encoding].length > 0;

/** Each Kazakh code page's character code for every byte: ASCII below 0x80, the table above. */
const KAZAKH_CODES = Object.fromEntries(
  Object.entries(KAZAKH_CODE_PAGES).map(([name, upper]) => [
    name,
    Uint16Array.from({ length: 256 }, (_, byte) =>
      byte < 0x80 ? byte : upper.charCodeAt(byte - 0x80),
    ),
  ]),
) as Readonly<Record<keyof typeof KAZAKH_CODE_PAGES, Uint16Array>>;

const isKazakhCodePage = (encoding: LegacyEncoding): encoding is keyof typeof KAZAKH_CODE_PAGES =>
  encoding in KAZAKH_CODE_PAGES;

/**
 * How many characters become a string at a time: a whole file's character codes as the arguments
 * of one `String.fromCharCode` call would overflow the stack.
 */
const PIECE = 8192;

/**
 * `bytes` in one of the encodings: the browser's own decoder for those it has, the table of
 * bytes 0x80 to 0xFF for the Kazakh code pages (ASCII below).
 *
 * @example
 * decodeLegacy('kz-1048', Uint8Array.of(0xa3, 0xeb, 0xb3)) // 'Әлі'
 */
export function decodeLegacy(encoding: LegacyEncoding, bytes: Uint8Array): string {
  if (!isKazakhCodePage(encoding))
    return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  const table = KAZAKH_CODES[encoding];
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) codes[i] = table[bytes[i]!]!;
  const pieces: string[] = [];
  for (let start = 0; start < codes.length; start += PIECE)
    // `apply` takes the typed array as it is: spreading it, or first copying it to an array,
    // made a 4-MiB file take several times as long.
    pieces.push(
      String.fromCharCode.apply(null, codes.subarray(start, start + PIECE) as unknown as number[]),
    );
  return pieces.join('');
}

/**
 * How often each small letter occurs in Russian text, per cent, as the letter-frequency table
 * commonly cited for Russian has it; Kazakh's own letters are given 1 %. Names are not prose, but
 * a wrong encoding does not swap letters gently: "ИИН" read in the wrong one of Windows-1251 and
 * KOI8-R is "ххм".
 */
const LETTER_SHARE: Readonly<Record<string, number>> = {
  о: 10.97,
  е: 8.45,
  а: 8.01,
  и: 7.35,
  н: 6.7,
  т: 6.26,
  с: 5.47,
  р: 4.73,
  в: 4.54,
  л: 4.4,
  к: 3.49,
  м: 3.21,
  д: 2.98,
  п: 2.81,
  у: 2.62,
  я: 2.01,
  ы: 1.9,
  ь: 1.74,
  г: 1.7,
  з: 1.65,
  б: 1.59,
  ч: 1.44,
  й: 1.21,
  х: 0.97,
  ж: 0.94,
  ш: 0.73,
  ю: 0.64,
  ц: 0.48,
  щ: 0.36,
  э: 0.32,
  ф: 0.26,
  ъ: 0.04,
  ё: 0.04,
  і: 1,
  ә: 1,
  ғ: 1,
  қ: 1,
  ң: 1,
  ө: 1,
  ұ: 1,
  ү: 1,
  һ: 1,
};

/**
 * A letter of the alphabets counts 10 + ln(share) — from about 2 for ъ to 8 for о — so that a
 * reading with more, and more common, letters scores higher. Typographic marks that Russian text
 * holds in Windows-1251 (quotes, dashes, №, a no-break space) count nothing; anything else above
 * ASCII — box drawing, symbols, Serbian or Ukrainian letters a wrong reading yields — costs more
 * than the best letter gains.
 */
const LETTER_BASE = 10;
const PUNCTUATION = new Set('«»„“”‘’‚–—…№·\u00a0');
const FOREIGN = -10;
/**
 * What a Kazakh letter that breaks Kazakh syllables costs (`fitsSyllables`): real names do
 * ("Аяұлым", a compound), so such a letter still beats the Serbian one or the sign a wrong code
 * page makes of its byte, but loses to a reading where the letter at that byte fits.
 */
const UNUSUAL = FOREIGN / 2;
/**
 * A word is written in small letters, with a capital first, or in capitals ("ИИН"); a word with
 * a capital after a small letter is what Windows-1251 and KOI8-R make of each other's names
 * ("Серикова" → "яЕПХЙНБЮ"). Each non-ASCII letter of such a word costs this, more than it gains.
 */
const MISCASED = -20;
const WELL_CASED = /^(?:\p{Lu}?\p{Ll}*|\p{Lu}+)$/u;

/**
 * The Kazakh letters that only the Kazakh code pages hold (і aside: Windows-1251 has it, at the
 * byte both Kazakh code pages give it, so it never tells them apart and scores as any letter).
 * The readings that compete with a Kazakh code page give other characters for their bytes, and
 * some of those are Kazakh letters too: Windows-1251's ‰ ± µ are ү ұ ө in PT154, its Ukrainian
 * ї є ґ are ү ғ ө in KZ-1048, and the byte that is ғ in KZ-1048 is ә in PT154. So a Kazakh letter
 * scores as a letter only in a Kazakh-looking word (`kazakhLettersScore`).
 */
const KAZAKH_ONLY = new Set('әғқңөұүһ');
/**
 * Kazakh syllables do not put two vowels side by side, nor three consonants, nor two at a word's
 * start; ң never starts a word; қ and ғ go with the back vowels (а, о, ұ, ы), к and г with the
 * front ones (е, ә, ө, ү, і). Where one reading has ә (a front vowel) and the other ғ (a
 * consonant), one of them breaks a rule: "Әсел" and "Ғсел", "Бағдат" and "Баәдат", "Әуезов" and
 * "Ғуезов". у is in neither set (after a vowel it is the glide of "Сәуле"), nor are ъ and ь.
 */
const VOWELS = new Set('аеёиоыэюяәөұүі');
const FRONT_VOWELS = new Set('еәөүі');
const CONSONANTS = new Set('бвгджзйклмнпрстфхцчшщғқңһ');

/** Whether the Kazakh letter `letters[i]` sits in its word as Kazakh syllables allow. */
function fitsSyllables(letters: readonly string[], i: number): boolean {
  const letter = letters[i]!;
  const vowel = (j: number) => VOWELS.has(letters[j] ?? '');
  const consonant = (j: number) => CONSONANTS.has(letters[j] ?? '');
  if (vowel(i)) return !vowel(i - 1) && !vowel(i + 1);
  if (i === 0 && letter === 'ң') return false;
  if (letter === 'қ' || letter === 'ғ') {
    const next = letters[i + 1] === 'у' ? letters[i + 2] : letters[i + 1];
    if (FRONT_VOWELS.has(next ?? '')) return false;
  }
  const startsCluster = (i === 0 && consonant(1)) || (i === 1 && consonant(0));
  return !startsCluster && !(consonant(i - 1) && consonant(i + 1));
}

/**
 * What the Kazakh-only letters of `word` (its letters alone) add: each its letter's score in a
 * word of Cyrillic letters where it fits the syllables, or alone as an initial ("Ә."); `UNUSUAL`
 * where it breaks them (the compound "Аяұлым", or "Україна" read as "Украүна"); as much as any
 * foreign character beside Latin letters ("µg" read as "өg") or alone ("±5" read as "ұ5"). `next`
 * is the character after the word.
 */
function kazakhLettersScore(word: string, next: string | undefined): number {
  const letters = [...word].map((c) => c.toLowerCase());
  if (!letters.some((c) => KAZAKH_ONLY.has(c))) return 0;
  const initial = letters.length === 1 && word !== letters[0] && next === '.';
  const inWord = /^\p{Script=Cyrillic}+$/u.test(word) && (letters.length > 1 || initial);
  let score = 0;
  letters.forEach((c, i) => {
    if (!KAZAKH_ONLY.has(c)) return;
    if (!inWord) score += FOREIGN;
    else score += initial || fitsSyllables(letters, i) ? LETTER_SCORE.get(c)! : UNUSUAL;
  });
  return score;
}

/** How many characters of `text` are above ASCII (which every reading has alike). */
function countNonAscii(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) count++;
  return count;
}

const LETTER_SCORE = new Map(
  Object.entries(LETTER_SHARE).map(([letter, share]) => [
    letter,
    LETTER_BASE + Math.log(share / 100),
  ]),
);

/**
 * How much `text` reads like Cyrillic names and prose: higher is better, comparable between
 * readings of the same single-byte file (each byte is one character in every one of them).
 * ASCII adds nothing, as it reads the same in all of them.
 */
export function cyrillicScore(text: string): number {
  let score = 0;
  for (const c of text) {
    if (c.charCodeAt(0) < 0x80) continue;
    const small = c.toLowerCase();
    // Scored with their word (`kazakhLettersScore`).
    if (KAZAKH_ONLY.has(small)) continue;
    const letter = LETTER_SCORE.get(small);
    score += letter ?? (PUNCTUATION.has(c) ? 0 : FOREIGN);
  }
  for (const { 0: word, index } of text.matchAll(/\p{L}+/gu)) {
    score += kazakhLettersScore(word, text[index + word.length]);
    if (WELL_CASED.test(word)) continue;
    score += MISCASED * countNonAscii(word);
  }
  return score;
}

/**
 * How much of a file is scored: a staff list of 1,000 lines is about 100 KiB, and its first
 * 64 KiB hold hundreds of names, enough to tell the encodings apart; scoring five readings of a
 * 4 MiB file would hold the page for seconds. (Each byte is one character in every reading, so a
 * cut at any byte cuts no character.)
 */
export const SCORED_BYTES = 64 * 1024;

/**
 * `bytes` read in the one of the five encodings in which they read most like Cyrillic text
 * (`cyrillicScore` of the first `SCORED_BYTES`); on a tie, the first in `LEGACY_ENCODINGS`:
 * Windows-1251, the most common, before the Kazakh code pages, which read Russian text as it does.
 *
 * @example
 * readLegacyCyrillic(Uint8Array.of(0x88, 0xa2, 0xa0, 0xad)) // { text: 'Иван', encoding: 'ibm866' }
 * readLegacyCyrillic(Uint8Array.of(0xa3, 0xeb, 0xb3)) // { text: 'Әлі', encoding: 'kz-1048' }
 */
export function readLegacyCyrillic(bytes: Uint8Array): {
  readonly text: string;
  readonly encoding: LegacyEncoding;
} {
  const sample = bytes.subarray(0, SCORED_BYTES);
  let best: { encoding: LegacyEncoding; score: number } | undefined;
  for (const encoding of LEGACY_ENCODINGS) {
    const score = cyrillicScore(decodeLegacy(encoding, sample));
    if (!best || score > best.score) best = { encoding, score };
  }
  const { encoding } = best!;
  return { text: decodeLegacy(encoding, bytes), encoding };
}
