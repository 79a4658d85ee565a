import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../../test/support/property-runs.js';
import { checkMessage, scanText } from './api.js';
import { createValueHasher, guardKey, maskValue } from './mask.js';
import { PII_TYPES } from './types.js';

describe('scanText and checkMessage', () => {
  it('answers findings with UTF-16 spans, masked values and keyed hashes', () => {
    const text = 'Сәлем! ИИН 900515201238';
    const { findings } = scanText(text, { key: 'k' });
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(text.slice(f!.start, f!.end)).toBe('900515201238');
    expect(f).toMatchObject({
      type: 'iin',
      masked: '9005********',
      validated: true,
      location: { line: 1, column: 12 },
    });
    expect(f!.hash).toBe(createValueHasher('k').hash('iin', '900515201238'));
    expect(JSON.stringify(findings)).not.toContain('900515201238');
  });

  it('suggests a consent request in kk/ru/en, stronger for identifier with health data', () => {
    expect(checkMessage('Добрый день, собрание завтра').risk).toBe('none');
    const check = checkMessage('Пришлите ИИН 900515201238 и справку 086/у');
    expect(check.risk).toBe('identifier-with-health');
    expect(check.suggestion?.ru).toMatch(
      /^Сообщение содержит персональные данные: ИИН, сведения о здоровье\./,
    );
    expect(check.suggestion?.kk).toMatch(/келісім сұрауын/);
    expect(check.suggestion?.en).toMatch(/consent request/);
    expect(checkMessage('тел. +7 701 123 45 67').risk).toBe('personal-data');
  });
});

describe('masking', () => {
  it('keeps the first characters, separators and the length', () => {
    expect(maskValue('iin', '900515201238')).toBe('9005********');
    expect(maskValue('phone', '+7 701 123 45 67')).toBe('+7 70* *** ** **');
    expect(maskValue('email', 'aigerim@mail.kz')).toBe('a******@mail.kz');
    expect(maskValue('plate', '777 КРА 05')).toBe('77* *** **');
  });

  it('never gives a value back whole, however short: a one-character local part is starred (property)', () => {
    expect(scanText('пишите на a@mail.kz').findings[0]?.masked).toBe('*@mail.kz');
    const alnum = fc.constantFrom(...'09azAZаяӘәЁёÀÿ');
    const other = fc.constantFrom(...' -.()+/:_\u00a0');
    const value = fc
      .tuple(fc.array(fc.oneof(alnum, other), { maxLength: 40 }), alnum, fc.nat(40))
      .map(([chars, one, at]) => {
        chars.splice(at % (chars.length + 1), 0, one);
        return chars.join('');
      });
    const types = fc.constantFrom(...PII_TYPES.filter((t) => t !== 'email'));
    fc.assert(
      fc.property(types, value, (type, v) => maskValue(type, v) !== v),
      { numRuns: propertyRuns(300) },
    );
    const email = fc
      .tuple(fc.stringMatching(/^[a-z0-9._%+-]{1,64}$/), fc.domain())
      .map(([local, domain]) => `${local}@${domain}`);
    fc.assert(
      fc.property(email, (address) => {
        const local = address.slice(0, address.indexOf('@'));
        const masked = maskValue('email', address);
        expect(masked.length).toBe(address.length);
        expect(masked.slice(0, local.length)).not.toBe(local);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('hashes equal values equally whatever their spelling, and differently under another key', () => {
    const a = createValueHasher('k');
    expect(a.hash('phone', '+7 701 123 45 67')).toBe(a.hash('phone', '87011234567'));
    expect(a.hash('plate', '777 КРА 05')).toBe(a.hash('plate', '777KPA05'));
    expect(createValueHasher('other').hash('iin', '900515201238')).not.toBe(
      a.hash('iin', '900515201238'),
    );
  });
});

describe('value hashes', () => {
  it('are HMAC-SHA-256 from node:crypto of the type and the normalised value, 128 bits in hex', () => {
    const hmac = (message: string) =>
      createHmac('sha256', 'k').update(message).digest('hex').slice(0, 32);
    const hasher = createValueHasher('k');
    expect(hasher.hash('iin', '900515201238')).toBe(hmac('iin:900515201238'));
    expect(hasher.hash('phone', '8 701 123 45 67')).toBe(hmac('phone:77011234567'));
  });

  it('are the same for health words recalled from the kept hashes, also after it filled up', () => {
    const hmac = (message: string) =>
      createHmac('sha256', 'k').update(message).digest('hex').slice(0, 32);
    const hasher = createValueHasher('k');
    const words = Array.from({ length: 3000 }, (_, i) => `диагноз${i % 1500}`);
    for (const word of [...words, ...words.reverse()]) {
      expect(hasher.hash('health', word)).toBe(hmac(`health:${word}`));
    }
    expect(hasher.hash('health', 'Диагноз')).toBe(hasher.hash('health', 'диагноз'));
  });
});

describe('guardKey', () => {
  it('stars digits of identifiers and phones in names, and leaves names and short numbers', () => {
    expect(guardKey('900515201238')).toBe('9005********');
    expect(guardKey('+7 701 555 12 34')).toBe('+7 701 *** ** **');
    expect(guardKey('Родительский чат 5Б')).toBe('Родительский чат 5Б');
    expect(guardKey('dana.k@mail.kz')).toBe('d*****@mail.kz');
    expect(guardKey('чат с a@mail.kz')).toBe('чат с *@mail.kz');
  });
});
