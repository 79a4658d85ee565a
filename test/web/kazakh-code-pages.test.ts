/**
 * The staff upload's tables of the Kazakh code pages (web/src/features/soc/kazakh-code-pages.ts,
 * which browsers' `TextDecoder` lacks) are iconv-lite's, byte for byte (that decoding with them
 * matches iconv-lite is web/src/features/soc/cyrillic-encoding.test.ts's).
 */
import { describe, expect, it } from 'vitest';
import { kazakhCodePages } from '../../scripts/generate-kazakh-code-pages.js';
import { KAZAKH_CODE_PAGES } from '../../web/src/features/soc/kazakh-code-pages.js';

describe('the Kazakh code page tables', () => {
  it('hold iconv-lite’s character for each of the bytes 0x80 to 0xFF', () => {
    expect(
      KAZAKH_CODE_PAGES,
      'out of date with iconv-lite: run `npx tsx scripts/generate-kazakh-code-pages.ts`',
    ).toEqual(kazakhCodePages());
    for (const [name, upper] of Object.entries(KAZAKH_CODE_PAGES))
      expect(upper.length, `${name}: one UTF-16 unit a byte`).toBe(128);
  });
});
