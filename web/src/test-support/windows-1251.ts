/**
 * Text as Excel's plain "CSV" saves it in a Russian or Kazakh Windows, for tests (neither Node nor
 * the browser has a Windows-1251 encoder): ASCII as itself, А–я from 0xC0 in alphabet order,
 * Ё 0xA8, ё 0xB8, І 0xB2, і 0xB3. Any other letter throws rather than encode wrongly.
 */
export function windows1251(text: string): Uint8Array<ArrayBuffer> {
  const special = new Map([
    ['Ё', 0xa8],
    ['ё', 0xb8],
    ['І', 0xb2],
    ['і', 0xb3],
  ]);
  return Uint8Array.from([...text], (c) => {
    const code = c.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    const byte = special.get(c);
    if (byte === undefined) throw new Error(`${c} is not in the test's Windows-1251 table`);
    return byte;
  });
}
