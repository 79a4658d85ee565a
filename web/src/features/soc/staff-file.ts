/**
 * A staff list file's bytes as text, before `staff-csv.ts` reads it. Spreadsheets in Kazakhstan
 * save lists in one of three encodings: "CSV UTF-8"; plain "CSV", which Excel in a Russian or
 * Kazakh Windows writes in Windows-1251; and "Unicode text", UTF-16 (little-endian) with a
 * byte-order mark and tabs between the columns. Lists exported from older systems come in CP866
 * (DOS) or KOI8-R too, and from Kazakh ones in the Kazakh code pages KZ-1048 or PT154: a file that
 * is not UTF-8 is read in whichever of the five single-byte encodings its letters read best
 * (`cyrillic-encoding.ts`). Each is decoded as what it is; what is none of them — a workbook,
 * UTF-16 without a byte-order mark, UTF-8 damaged here and there — is refused with a reason rather
 * than read as something else. Pure: bytes in, text and encoding out.
 */
import { type LegacyEncoding, readLegacyCyrillic } from './cyrillic-encoding';

/**
 * Far above any staff list of 1,000 lines (the batch route's body limit): a bigger file is not
 * one, and reading it would only stall the page.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export type StaffFileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | LegacyEncoding;

/**
 * Why a file cannot be read as a list: `tooBig` (over `MAX_FILE_BYTES`), `unreadable` (the
 * browser could not read it), `notText` (it holds U+0000: a workbook or another binary file, or
 * UTF-16 without a byte-order mark), `damaged` (marked as, or mostly, UTF-8 or UTF-16 but with
 * bytes that are not).
 */
export type FileProblem = 'tooBig' | 'unreadable' | 'notText' | 'damaged';

export type DecodedStaffFile =
  | { readonly text: string; readonly encoding: StaffFileEncoding }
  | { readonly problem: FileProblem };

/**
 * Strict decoding: a byte sequence that is not the encoding throws rather than becoming U+FFFD.
 * A byte-order mark is kept in the text (`parseStaffList` drops it), so every UTF-8 string reads
 * back exactly, one that starts with U+FEFF included.
 */
const strict = (
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be',
  bytes: Uint8Array,
): string | undefined => {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

const startsWith = (bytes: Uint8Array, ...prefix: number[]) =>
  prefix.every((byte, i) => bytes[i] === byte);

/** What a lenient decoder puts where bytes are not UTF-8. */
const REPLACEMENT_CHARACTER = 0xfffd;

/**
 * Whether bytes that are not valid UTF-8 are still mostly UTF-8: more characters decode as UTF-8
 * multi-byte sequences than bytes fail to. Windows-1251 Cyrillic is the other way round: two
 * letters in a row (two bytes from 0xC0 up) are never a UTF-8 sequence, so nearly every letter
 * fails, and so do CP866's and KOI8-R's (continuation bytes without a lead, leads followed by
 * letters) and the Kazakh code pages' (a capital before a Kazakh letter can pass, "Нұ" being
 * CD A2, but not the small letters around them). UTF-8 Cyrillic damaged by a stray byte would read
 * as "РђР»..." in Windows-1251: it is refused instead.
 */
function mostlyUtf8(bytes: Uint8Array): boolean {
  let valid = 0;
  let invalid = 0;
  for (const c of new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)) {
    const code = c.codePointAt(0)!;
    if (code === REPLACEMENT_CHARACTER) invalid++;
    else if (code >= 0x80) valid++;
  }
  return valid > invalid;
}

/**
 * The text of a staff list file, and the encoding it was read in. UTF-16 with a byte-order mark is
 * read as UTF-16; anything else as strict UTF-8 first, then — if it is not UTF-8, carries no UTF-8
 * byte-order mark and is not mostly UTF-8 — as Windows-1251, CP866, KOI8-R, KZ-1048 or PT154,
 * whichever its letters read best in (each maps every byte, so the page says in which encoding it
 * read the file and asks for the names to be checked). Text holding U+0000 is no list in any
 * encoding: refused.
 *
 * @example
 * decodeStaffFile(new Uint8Array([0xc8, 0xc8, 0xcd])) // { text: 'ИИН', encoding: 'windows-1251' }
 * decodeStaffFile(new Uint8Array([0x88, 0x88, 0x8d])) // { text: 'ИИН', encoding: 'ibm866' }
 */
export function decodeStaffFile(bytes: Uint8Array): DecodedStaffFile {
  const decoded = decodeText(bytes);
  // NUL is valid UTF-8 and Windows-1251, and UTF-16 text without its mark is full of it: a list
  // read from such bytes would be noise, each "line" refused for a reason that is not the real one.
  if ('text' in decoded && decoded.text.includes('\0')) return { problem: 'notText' };
  return decoded;
}

function decodeText(bytes: Uint8Array): DecodedStaffFile {
  const utf16 = startsWith(bytes, 0xff, 0xfe)
    ? 'utf-16le'
    : startsWith(bytes, 0xfe, 0xff)
      ? 'utf-16be'
      : undefined;
  if (utf16) {
    // An odd byte at the end or a lone surrogate: the file was cut or is not UTF-16 at all.
    const text = strict(utf16, bytes);
    return text === undefined ? { problem: 'damaged' } : { text, encoding: utf16 };
  }
  const text = strict('utf-8', bytes);
  if (text !== undefined) return { text, encoding: 'utf-8' };
  if (startsWith(bytes, 0xef, 0xbb, 0xbf) || mostlyUtf8(bytes)) return { problem: 'damaged' };
  // Every byte is a character in each of them: nothing to be strict about, only to choose.
  return readLegacyCyrillic(bytes);
}

/**
 * Reads a chosen file: too big, unreadable (the file moved or its permission changed since it
 * was chosen), or decoded as `decodeStaffFile` does.
 */
export async function readStaffFile(file: Blob): Promise<DecodedStaffFile> {
  if (file.size > MAX_FILE_BYTES) return { problem: 'tooBig' };
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch {
    return { problem: 'unreadable' };
  }
  return decodeStaffFile(new Uint8Array(bytes));
}
