import { describe, expect, it } from 'vitest';
import { toByteString } from '../bytes.js';
import { createEngine } from '../engine.js';
import { detect, valuesOf } from '../test-support/detect.js';
import type { Candidate } from '../types.js';
import { ipv4At, ipv6At } from './network.js';

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

describe('where the IP search goes on', () => {
  /** `ipv6At` at the `nth` colon of `text`: its return value and the addresses it found. */
  const v6 = (text: string, nth = 0) => {
    let colon = -1;
    for (let k = 0; k <= nth; k++) colon = text.indexOf(':', colon + 1);
    const out: Candidate[] = [];
    const next = ipv6At(text, colon, out);
    return { next, found: out.map((c) => text.slice(c.start, c.end)) };
  };

  it('rejects at a glance exactly the colons the byte kernel drops, finding nothing there', () => {
    // The kernel (kernel/ip-anchors.ts) hands on only colons with another colon one to five
    // bytes on; ipv6At must reject the others itself (-1, nothing read) so that the plain
    // search and the kernel resume at the same places.
    for (const [text, nth] of [
      ['ИИН: 12', 0],
      ['12:30', 0],
      ['abcd:12345:1', 0],
      ['abcd:12345:1', 1],
      ['a:bcdef:1', 0],
      ['abc:', 0],
      ['a:g:', 0],
      ['a:G:1', 0],
      ['a:/:', 0],
    ] as const) {
      expect(v6(text, nth), `${text} @${nth}`).toEqual({ next: -1, found: [] });
    }
  });

  it('reads a colon with another colon one to five bytes on, and goes on after what it read', () => {
    expect(v6('12:30:45')).toEqual({ next: 8, found: [] });
    expect(v6('a:bcde:1')).toEqual({ next: 8, found: [] });
    expect(v6('::1')).toEqual({ next: 3, found: [] });
    expect(v6('x 0:f::abc y')).toEqual({ next: 10, found: ['0:f::abc'] });
    expect(v6('x 9:F::ABC y')).toEqual({ next: 10, found: ['9:F::ABC'] });
    expect(v6('x a:A::9f0 y')).toEqual({ next: 10, found: ['a:A::9f0'] });
  });

  it('reads the longest IPv6 form (45 characters) whole, and no further', () => {
    const longest = '0000:0000:0000:0000:0000:ffff:192.168.100.200';
    expect(longest).toHaveLength(45);
    expect(v6(`host ${longest}: refused`)).toEqual({ next: 50, found: [longest] });
    expect(valuesOf(`host ${longest}: refused`, 'ip')).toEqual([longest]);
  });

  it('goes on after an IPv4 tail whether or not the address is taken', () => {
    const v4 = (text: string) => {
      const out: Candidate[] = [];
      const next = ipv4At(text, text.indexOf('.'), out);
      return { next, found: out.map((c) => text.slice(c.start, c.end)) };
    };
    expect(v4('ip 10.0.0.1 ok')).toEqual({ next: 11, found: ['10.0.0.1'] });
    expect(v4('v 1.2.3.4.5')).toEqual({ next: 9, found: [] });
    expect(v4('1.2.3')).toEqual({ next: -1, found: [] });
    expect(v4('x.1.2.3')).toEqual({ next: 7, found: [] });
  });

  it('does not take an IPv4 address followed by a dot and any digit 0 to 9', () => {
    expect(valuesOf('1.2.3.4.0 1.2.3.4.9', 'ip')).toEqual([]);
    expect(valuesOf('1.2.3.4./ 1.2.3.4.: 1.2.3.4.a', 'ip')).toEqual([
      '1.2.3.4',
      '1.2.3.4',
      '1.2.3.4',
    ]);
  });

  it('takes a domain of up to 253 characters and a top-level domain of 2 to 24 letters', () => {
    // RFC 1035: a name is at most 253 characters written out.
    const domain = (length: number) => `${'a'.repeat(length - 3)}.kz`;
    expect(valuesOf(`u@${domain(253)} ok`, 'email')).toEqual([`u@${domain(253)}`]);
    expect(valuesOf(`u@${domain(254)} ok`, 'email')).toEqual([]);
    const tld24 = 'q'.repeat(24);
    expect(valuesOf(`u@mail.${tld24} u@mail.${tld24}q`, 'email')).toEqual([`u@mail.${tld24}`]);
  });

  it('takes IPv6 addresses of two groups, not of one, and not a dotted tail alone', () => {
    expect(valuesOf('fe80::abc, ::abcd, ::ffff', 'ip')).toEqual(['fe80::abc']);
    expect(valuesOf('версия .1.2.3 и .10.20.30', 'ip')).toEqual([]);
  });

  it('ends an e-mail address at the brackets and quotes people put around it', () => {
    expect(
      valuesOf(
        'Айгерим <aigerim@mail.kz>, «info@edu.gov.kz»; (hr@kaspi.kz) {ops@host.kz}',
        'email',
      ),
    ).toEqual(['aigerim@mail.kz', 'info@edu.gov.kz', 'hr@kaspi.kz', 'ops@host.kz']);
    // A top-level domain is letters only.
    expect(valuesOf('u@mail.2kz u@mail.k2z', 'email')).toEqual([]);
  });

  it('takes no address out of a longer dotted run, and no IPv6 of short groups only', () => {
    expect(valuesOf('версия 1.2.3.4.5.6.7, пункт 10.0.0.1.2.3.4', 'ip')).toEqual([]);
    expect(valuesOf('счёт 1:2:3:4:5:6:7:8, fe::1', 'ip')).toEqual([]);
  });

  it('reports e-mail and IP addresses as not validated: no checksum proves them', () => {
    const found = createEngine({ types: ['email', 'ip'] }).detect(
      toByteString('email user@mail.kz, ip 10.0.0.1, 2001:db8::1'),
    );
    expect(found.map((c) => [c.type, c.validated])).toEqual([
      ['email', false],
      ['ip', false],
      ['ip', false],
    ]);
  });
});
