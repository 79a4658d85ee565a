import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAll } from '../test-support/reader.js';
import { isWhatsAppHeader, createWhatsAppReader } from './whatsapp.js';
import { toByteString } from '../bytes.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/scan/${name}`, import.meta.url), 'utf8');

describe('WhatsApp export reader', () => {
  it('reads Android exports: author, date, continuation lines', () => {
    const { findings, metas } = readAll(
      (ctx) => createWhatsAppReader(ctx),
      fixture('whatsapp-android.txt'),
    );
    expect(
      findings.map((f) => [f.type, f.location.line, f.location.author, f.location.date]),
    ).toEqual([
      ['health', 2, 'Айгерим', '12.03.2024, 10:16'],
      ['iin', 2, 'Айгерим', '12.03.2024, 10:16'],
      ['passport', 4, 'Ержан Нурланов', '12.03.2024, 10:17'],
      ['iban', 5, 'Ержан Нурланов', '12.03.2024, 10:17'],
    ]);
    expect(metas[0]!.group).toBe(metas[1]!.group);
    expect(metas[2]!.group).not.toBe(metas[1]!.group);
  });

  it('reads iOS exports with U+200E and U+202F, and redacts in place', () => {
    const text = fixture('whatsapp-ios.txt');
    const { findings, redacted } = readAll((ctx) => createWhatsAppReader(ctx), text, {
      pieces: [17],
    });
    expect(findings.map((f) => [f.type, f.location.line, f.location.author])).toEqual([
      ['iin', 1, 'Aigerim'],
      ['health', 1, 'Aigerim'],
      ['health', 1, 'Aigerim'],
      ['phone', 2, 'Yerzhan'],
      ['email', 3, 'Yerzhan'],
    ]);
    expect(findings[0]!.location.date).toBe('3/12/24, 10:16:05\u202fAM');
    expect(redacted).toBe(
      text
        .replace('900515201238', '9005********')
        .replace('(747) 123-45-67', '(74*) ***-**-**')
        .replace('yerzhan.n@', 'y********@'),
    );
  });

  it('recognises locale variants of the header', () => {
    for (const line of [
      '12.03.2024, 10:15 - Айгерим: привет',
      '12/03/2024, 10:15 - Aigerim: hi',
      '3/12/24, 10:15 PM - Aigerim: hi',
      '2024-03-12, 10:15 - Aigerim: hi',
      '[12.03.24, 10:15:33] Айгерим: привет',
      '\u200e[12.03.24, 10:15:33] Айгерим: \u200eфото отсутствует',
      '12.03.2024, 10:15 – Айгерим: en dash',
    ]) {
      expect(isWhatsAppHeader(toByteString(line))).toBe(true);
    }
    expect(isWhatsAppHeader(toByteString('Встреча 12.03.2024 в 10:15'))).toBe(false);
  });
});

describe('WhatsApp export with a byte-order mark', () => {
  it('reads the first message’s header after the mark and redacts at the right offset', () => {
    const text = '\uFEFF12.03.2024, 10:16 - Айгерим: ИИН 900515201238\n';
    const { findings, redacted } = readAll((ctx) => createWhatsAppReader(ctx), text);
    expect(findings.map((f) => [f.type, f.location.author, f.location.line])).toEqual([
      ['iin', 'Айгерим', 1],
    ]);
    expect(redacted).toBe(text.replace('900515201238', '9005********'));
  });
});

describe('WhatsApp authors named by phone number', () => {
  it('masks an author that is a phone number, in locations and in the redacted copy', () => {
    const text = '12.03.2024, 10:16 - +7 701 555 12 34: ИИН 900515201238\n';
    const { findings, redacted } = readAll((ctx) => createWhatsAppReader(ctx), text);
    expect(findings.map((f) => [f.type, f.location.author, f.location.date])).toEqual([
      ['phone', '+7 701 *** ** **', '12.03.2024, 10:16'],
      ['iin', '+7 701 *** ** **', '12.03.2024, 10:16'],
    ]);
    // The number in the header is a value in the file like the IIN after it.
    expect(redacted).toBe('12.03.2024, 10:16 - +7 70* *** ** **: ИИН 9005********\n');
  });
});
