/**
 * The scanner works on **byte strings**: UTF-8 bytes viewed as Latin-1, one JavaScript character
 * per byte (`buffer.toString('latin1')`). Why: decoding UTF-8 into UTF-16 runs at ~210 MB/s on
 * mostly Cyrillic text, slower than all detectors together, while the Latin-1 view costs a copy
 * (~2 GB/s) and gives V8 one-byte strings that its regular expressions scan fastest. Every
 * identifier the scanner proves is ASCII, so the detectors are unaffected; words in Cyrillic and
 * Kazakh are matched by their UTF-8 byte sequences (see `terms.ts`), and offsets are byte offsets,
 * which is also what a redactor rewriting a file needs.
 */

/** The byte string of a JavaScript string. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The JavaScript string a byte string encodes (invalid sequences become U+FFFD). */
export function fromByteString(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The UTF-8 bytes of one code point, as a byte string. */
export function codePointBytes(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 63),
    0x80 | ((cp >> 6) & 63),
    0x80 | (cp & 63),
  );
}

/** Decodes the code point whose bytes start at `i`, or -1 for a stray continuation byte. */
export function codePointAtByte(text: string, i: number): number {
  const b0 = text.charCodeAt(i);
  if (b0 < 0x80) return b0;
  const more = b0 >= 0xf0 ? 3 : b0 >= 0xe0 ? 2 : b0 >= 0xc0 ? 1 : -1;
  if (more < 0 || i + more >= text.length) return -1;
  let cp = b0 & (more === 1 ? 0x1f : more === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= more; k++) cp = (cp << 6) | (text.charCodeAt(i + k) & 63);
  return cp;
}

/** Decodes the code point whose bytes end just before `end`, or -1. */
export function codePointBeforeByte(text: string, end: number): number {
  let i = end - 1;
  const limit = Math.max(0, end - 4);
  while (i > limit && (text.charCodeAt(i) & 0xc0) === 0x80) i--;
  return codePointAtByte(text, i);
}

/**
 * Converts a byte offset in `bytes` to the UTF-16 offset in the decoded string, for callers that
 * hold JavaScript strings (the HTTP route, tests).
 */
export function utf16Offset(bytes: string, byteOffset: number): number {
  let units = 0;
  for (let i = 0; i < byteOffset; i++) {
    const b = bytes.charCodeAt(i);
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  return units;
}
