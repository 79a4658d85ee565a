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
