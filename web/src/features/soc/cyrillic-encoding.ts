/**
 * Which single-byte encoding a Russian or Kazakh text file that is not UTF-8 was saved in. Three
 * are still met: Windows-1251 (Excel's plain "CSV" in a Russian or Kazakh Windows), CP866 (DOS
 * programs and the Windows console) and KOI8-R (older Unix systems and mail). Each maps every
 * byte to some character, so no decoder fails on the wrong one: the file is decoded with all
 * three (the WHATWG `TextDecoder`, in the browser and in Node) and the text that reads most like
 * Cyrillic names and prose wins. ASCII is the same in all three, so IINs, Latin actor ids and
 * separators read the same whichever wins. Pure: bytes in, text and encoding out.
 */

export const LEGACY_ENCODINGS = ['windows-1251', 'ibm866', 'koi8-r'] as const;
export type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

export const isLegacyEncoding = (encoding: string | undefined): encoding is LegacyEncoding =>
  (LEGACY_ENCODINGS as readonly (string | undefined)[]).includes(encoding);

/** How the page names each encoding (the same in every language). */
export const LEGACY_ENCODING_NAMES: Readonly<Record<LegacyEncoding, string>> = {
  'windows-1251': 'Windows-1251',
  ibm866: 'CP866',
  'koi8-r': 'KOI8-R',
};

/** The letters of the Kazakh alphabet that the Russian one lacks. */
const KAZAKH_OWN_LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'] as const;

/**
 * Which of them each encoding cannot hold (so a file saved in it has "?" for each): all but і in
 * Windows-1251, all of them in CP866 and KOI8-R (the test reads each encoding's 256 bytes).
 */
export const KAZAKH_LETTERS_LACKING: Readonly<Record<LegacyEncoding, readonly string[]>> = {
  'windows-1251': KAZAKH_OWN_LETTERS.filter((letter) => letter !== 'і'),
  ibm866: KAZAKH_OWN_LETTERS,
  'koi8-r': KAZAKH_OWN_LETTERS,
};

/**
 * How often each small letter occurs in Russian text, per cent, as the letter-frequency table
 * commonly cited for Russian has it; Kazakh's own letters (of which only і is in any of the three
 * encodings, in Windows-1251) are given 1 %. Names are not prose, but a wrong encoding does not
 * swap letters gently: "ИИН" read in the wrong one of Windows-1251 and KOI8-R is "ххм".
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
 * A word is written in small letters, with a capital first, or in capitals ("ИИН"); a word with
 * a capital after a small letter is what Windows-1251 and KOI8-R make of each other's names
 * ("Серикова" → "яЕПХЙНБЮ"). Each non-ASCII letter of such a word costs this, more than it gains.
 */
const MISCASED = -20;
const WELL_CASED = /^(?:\p{Lu}?\p{Ll}*|\p{Lu}+)$/u;

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
    const letter = LETTER_SCORE.get(c.toLowerCase());
    score += letter ?? (PUNCTUATION.has(c) ? 0 : FOREIGN);
  }
  for (const [word] of text.matchAll(/\p{L}+/gu)) {
    if (WELL_CASED.test(word)) continue;
    score += MISCASED * countNonAscii(word);
  }
  return score;
}

/**
 * How much of a file is scored: a staff list of 1,000 lines is about 100 KiB, and its first
 * 64 KiB hold hundreds of names, enough to tell the encodings apart; scoring three readings of a
 * 4 MiB file would hold the page for seconds. (Each byte is one character in every reading, so a
 * cut at any byte cuts no character.)
 */
export const SCORED_BYTES = 64 * 1024;

/**
 * `bytes` read in the one of Windows-1251, CP866 and KOI8-R in which they read most like Cyrillic
 * text (`cyrillicScore` of the first `SCORED_BYTES`); Windows-1251, the most common, on a tie.
 *
 * @example
 * readLegacyCyrillic(Uint8Array.of(0x88, 0xa2, 0xa0, 0xad)) // { text: 'Иван', encoding: 'ibm866' }
 */
export function readLegacyCyrillic(bytes: Uint8Array): {
  readonly text: string;
  readonly encoding: LegacyEncoding;
} {
  const sample = bytes.subarray(0, SCORED_BYTES);
  const decode = (encoding: LegacyEncoding, from: Uint8Array) =>
    new TextDecoder(encoding, { ignoreBOM: true }).decode(from);
  let best: { encoding: LegacyEncoding; score: number } | undefined;
  for (const encoding of LEGACY_ENCODINGS) {
    const score = cyrillicScore(decode(encoding, sample));
    if (!best || score > best.score) best = { encoding, score };
  }
  const { encoding } = best!;
  return { text: decode(encoding, bytes), encoding };
}
