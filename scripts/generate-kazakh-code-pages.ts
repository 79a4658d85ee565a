/**
 * Writes web/src/features/soc/kazakh-code-pages.ts: the upper halves (bytes 0x80–0xFF) of the two
 * Kazakh single-byte code pages, KZ-1048 and PT154, as iconv-lite's tables give them. Browsers'
 * `TextDecoder` knows neither, so the staff upload decodes them with these tables; below 0x80
 * both are ASCII. test/web/kazakh-code-pages.test.ts fails when the tables and iconv-lite differ.
 *
 * Run: npx tsx scripts/generate-kazakh-code-pages.ts
 */
import { writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

/** The page's name for each code page, and iconv-lite's. */
const ICONV_NAMES = { 'kz-1048': 'rk1048', pt154: 'pt154' } as const;

/** Each code page's characters for bytes 0x80 to 0xFF, in byte order, from iconv-lite. */
export function kazakhCodePages(): Record<keyof typeof ICONV_NAMES, string> {
  const upper = Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i);
  return {
    'kz-1048': iconv.decode(upper, ICONV_NAMES['kz-1048']),
    pt154: iconv.decode(upper, ICONV_NAMES.pt154),
  };
}

/**
 * A string as a literal of Unicode escapes, four hex digits a character: the tables hold
 * invisible characters (U+00A0, U+00AD) that would be lost to the eye written as themselves.
 */
const escaped = (text: string) =>
  `'${[...text].map((c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('')}'`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const table = (name: string, upper: string) => {
    const rows = [];
    for (let at = 0; at < 128; at += 8) {
      const byte = `0x${(0x80 + at).toString(16).toUpperCase()}`;
      rows.push(`    ${escaped(upper.slice(at, at + 8))}, // ${byte}`);
    }
    return [`  ${name}: [`, ...rows, "  ].join(''),"];
  };
  const pages = kazakhCodePages();
  writeFileSync(
    new URL('../web/src/features/soc/kazakh-code-pages.ts', import.meta.url),
    [
      '/**',
      ' * The characters of bytes 0x80 to 0xFF in the two Kazakh single-byte code pages (below 0x80',
      ' * both are ASCII), which browsers’ `TextDecoder` does not know: KZ-1048 (Kazakhstan’s standard',
      ' * STRK 1048-2002: Windows-1251 with Kazakh letters in place of Serbian, Macedonian,',
      ' * Ukrainian and Belarusian ones) and PT154 (ParaType’s, older). Character i is byte 0x80 + i;',
      ' * a byte a code page leaves unassigned is U+FFFD. From iconv-lite’s tables, by',
      ' * scripts/generate-kazakh-code-pages.ts; do not edit by hand.',
      ' */',
      "export const KAZAKH_CODE_PAGES: Readonly<Record<'kz-1048' | 'pt154', string>> = {",
      ...table("'kz-1048'", pages['kz-1048']),
      ...table('pt154', pages.pt154),
      '};',
      '',
    ].join('\n'),
  );
}
