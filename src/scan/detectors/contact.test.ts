import { describe, expect, it } from 'vitest';
import { detect, valuesOf } from '../test-support/detect.js';

describe('phone detector', () => {
  it('finds Kazakh mobile numbers in the usual spellings', () => {
    const text = 'тел. +7 (701) 123-45-67, 87471234567, +7 777 123 4567, 8-705-555-12-34';
    expect(valuesOf(text, 'phone')).toEqual([
      '+7 (701) 123-45-67',
      '87471234567',
      '+7 777 123 4567',
      '8-705-555-12-34',
    ]);
  });

  it('rejects unknown operator codes and numbers glued to others', () => {
    expect(valuesOf('+7 799 123 45 67, 1287011234567, +87011234567', 'phone')).toEqual([]);
  });

  it('scores higher with a context word', () => {
    const [bare] = detect('87011234567', { types: ['phone'] });
    const [named] = detect('мой номер 87011234567', { types: ['phone'] });
    expect(bare!.score).toBe(0.6);
    expect(named!.score).toBeCloseTo(0.95);
  });
});

describe('e-mail and IP detector', () => {
  it('finds e-mail addresses and trims a sentence’s full stop', () => {
    expect(valuesOf('пишите на aigerim.n+school@mail.kz. или info@edu.gov.kz', 'email')).toEqual([
      'aigerim.n+school@mail.kz',
      'info@edu.gov.kz',
    ]);
    expect(valuesOf('@username и user@localhost', 'email')).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses but not versions, times or C++ scopes', () => {
    expect(valuesOf('last_ip 95.56.12.200, ::ffff 2a02:2168:8a3:1c00::1', 'ip')).toEqual([
      '95.56.12.200',
      '2a02:2168:8a3:1c00::1',
    ]);
    expect(valuesOf('версия 1.2.3.4.5, 300.1.1.1, 12:30:45, std::vector', 'ip')).toEqual([]);
  });
});

describe('e-mail and IP edges', () => {
  it('bounds an e-mail address’s local part and domain', () => {
    const local64 = 'a'.repeat(64);
    expect(valuesOf(`${local64}@mail.kz`, 'email')).toEqual([`${local64}@mail.kz`]);
    expect(valuesOf(`a${local64}@mail.kz`, 'email')).toEqual([]);
    expect(valuesOf('..user@mail.kz, ёuser@mail.kz', 'email')).toEqual(['user@mail.kz']);
    expect(valuesOf('A_b%c+d-e.F@Mail-1.EDU.kz-.', 'email')).toEqual(['A_b%c+d-e.F@Mail-1.EDU.kz']);
    expect(
      valuesOf('u@mail.k u@mail.k2 u@mail..kz u@.kz u@mail.kzя u@mail.kz5 @mail.kz', 'email'),
    ).toEqual([]);
    expect(valuesOf('0z9@a0-z9.kz Z@Z.KZ', 'email')).toEqual(['0z9@a0-z9.kz', 'Z@Z.KZ']);
    expect(valuesOf(`u@${'a'.repeat(260)}.kz`, 'email')).toEqual([]);
    expect(detect('user@mail.kz', { types: ['email'] })).toEqual([
      { type: 'email', value: 'user@mail.kz', score: 0.9 },
    ]);
  });

  it('takes IPv4 octets up to 255 without leading zeros, bounded, and not inside longer dotted runs', () => {
    expect(valuesOf('255.255.255.255 10.0.0.1 1.2.3.4.', 'ip')).toEqual([
      '255.255.255.255',
      '10.0.0.1',
      '1.2.3.4',
    ]);
    expect(
      valuesOf('01.2.3.4 1.256.3.4 1.2.3.04 a1.2.3.4 1.2.3.4a .1.2.3.4 1234.1.1.1 1.2.3', 'ip'),
    ).toEqual([]);
    expect(detect('ip 8.8.4.4', { types: ['ip'] })[0]).toMatchObject({
      value: '8.8.4.4',
      subtype: 'v4',
    });
  });

  it('takes IPv6 addresses with a group of three or more hex digits, bounded', () => {
    expect(valuesOf('fe80::1ff:fe23:4567:890a, 2001:db8::1. ::ffff:192.0.2.1', 'ip')).toEqual([
      'fe80::1ff:fe23:4567:890a',
      '2001:db8::1',
      '::ffff:192.0.2.1',
    ]);
    expect(valuesOf('::1 ab:cd:ef x2001:db8::1 2001:db8::1g ИИН: 12 a:bcdefgh:1', 'ip')).toEqual(
      [],
    );
    expect(valuesOf('FE80::ABC:9, 2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'ip')).toEqual([
      'FE80::ABC:9',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    ]);
    // A colon whose next colon is more than five characters on, or at the very end.
    expect(valuesOf('abcd:12345:1, abc:', 'ip')).toEqual([]);
    expect(detect('2001:db8::1', { types: ['ip'] })[0]).toMatchObject({ subtype: 'v6' });
  });
});
