/**
 * The characters of bytes 0x80 to 0xFF in the two Kazakh single-byte code pages (below 0x80
 * both are ASCII), which browsers’ `TextDecoder` does not know: KZ-1048 (Kazakhstan’s standard
 * STRK 1048-2002: Windows-1251 with Kazakh letters in place of Serbian, Macedonian,
 * Ukrainian and Belarusian ones) and PT154 (ParaType’s, older). Character i is byte 0x80 + i;
 * a byte a code page leaves unassigned is U+FFFD. From iconv-lite’s tables, by
 * scripts/generate-kazakh-code-pages.ts; do not edit by hand.
 */
export const KAZAKH_CODE_PAGES: Readonly<Record<'kz-1048' | 'pt154', string>> = {
  'kz-1048': [
    '\u0402\u0403\u201a\u0453\u201e\u2026\u2020\u2021', // 0x80
    '\u20ac\u2030\u0409\u2039\u040a\u049a\u04ba\u040f', // 0x88
    '\u0452\u2018\u2019\u201c\u201d\u2022\u2013\u2014', // 0x90
    '\ufffd\u2122\u0459\u203a\u045a\u049b\u04bb\u045f', // 0x98
    '\u00a0\u04b0\u04b1\u04d8\u00a4\u04e8\u00a6\u00a7', // 0xA0
    '\u0401\u00a9\u0492\u00ab\u00ac\u00ad\u00ae\u04ae', // 0xA8
    '\u00b0\u00b1\u0406\u0456\u04e9\u00b5\u00b6\u00b7', // 0xB0
    '\u0451\u2116\u0493\u00bb\u04d9\u04a2\u04a3\u04af', // 0xB8
    '\u0410\u0411\u0412\u0413\u0414\u0415\u0416\u0417', // 0xC0
    '\u0418\u0419\u041a\u041b\u041c\u041d\u041e\u041f', // 0xC8
    '\u0420\u0421\u0422\u0423\u0424\u0425\u0426\u0427', // 0xD0
    '\u0428\u0429\u042a\u042b\u042c\u042d\u042e\u042f', // 0xD8
    '\u0430\u0431\u0432\u0433\u0434\u0435\u0436\u0437', // 0xE0
    '\u0438\u0439\u043a\u043b\u043c\u043d\u043e\u043f', // 0xE8
    '\u0440\u0441\u0442\u0443\u0444\u0445\u0446\u0447', // 0xF0
    '\u0448\u0449\u044a\u044b\u044c\u044d\u044e\u044f', // 0xF8
  ].join(''),
  pt154: [
    '\u0496\u0492\u04ee\u0493\u201e\u2026\u04b6\u04ae', // 0x80
    '\u04b2\u04af\u04a0\u04e2\u04a2\u049a\u04ba\u04b8', // 0x88
    '\u0497\u2018\u2019\u201c\u201d\u2022\u2013\u2014', // 0x90
    '\u04b3\u04b7\u04a1\u04e3\u04a3\u049b\u04bb\u04b9', // 0x98
    '\u00a0\u040e\u045e\u0408\u04e8\u0498\u04b0\u00a7', // 0xA0
    '\u0401\u00a9\u04d8\u00ab\u00ac\u04ef\u00ae\u049c', // 0xA8
    '\u00b0\u04b1\u0406\u0456\u0499\u04e9\u00b6\u00b7', // 0xB0
    '\u0451\u2116\u04d9\u00bb\u0458\u04aa\u04ab\u049d', // 0xB8
    '\u0410\u0411\u0412\u0413\u0414\u0415\u0416\u0417', // 0xC0
    '\u0418\u0419\u041a\u041b\u041c\u041d\u041e\u041f', // 0xC8
    '\u0420\u0421\u0422\u0423\u0424\u0425\u0426\u0427', // 0xD0
    '\u0428\u0429\u042a\u042b\u042c\u042d\u042e\u042f', // 0xD8
    '\u0430\u0431\u0432\u0433\u0434\u0435\u0436\u0437', // 0xE0
    '\u0438\u0439\u043a\u043b\u043c\u043d\u043e\u043f', // 0xE8
    '\u0440\u0441\u0442\u0443\u0444\u0445\u0446\u0447', // 0xF0
    '\u0448\u0449\u044a\u044b\u044c\u044d\u044e\u044f', // 0xF8
  ].join(''),
};
