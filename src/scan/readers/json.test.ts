import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validIin } from '../test-support/arbitraries.js';
import { readAll } from '../test-support/reader.js';
import { createJsonReader } from './json.js';

const json = (ctx: Parameters<typeof createJsonReader>[0]) =>
  createJsonReader(ctx, { telegram: false });

describe('JSON reader', () => {
  it('finds values anywhere and gives their JSON path', () => {
    const text =
      '{"users":[{"name":"A","iin":"900515201238"},{"contacts":{"phone":"+7 701 123 45 67"}}],"x":[[1,2],[]]}';
    const { findings } = readAll(json, text);
    expect(findings.map((f) => [f.type, f.location.jsonPath])).toEqual([
      ['iin', '$.users[0].iin'],
      ['phone', '$.users[1].contacts.phone'],
    ]);
  });

  it('scans numbers and keys, and masks a key in the path', () => {
    const text = '{"900515201238":{"iin":850412100405}}';
    const { findings, redacted } = readAll(json, text);
    expect(findings.map((f) => f.location.jsonPath)).toEqual([
      '$["9005********"]',
      '$["9005********"].iin',
    ]);
    expect(JSON.parse(redacted)).toEqual({ '9005********': { iin: '8504********' } });
  });

  it('maps findings through escapes and keeps the redacted copy valid JSON', () => {
    const text =
      '{"t":"\\u0418\\u0418\\u041d: 900515201238\\n\\"карта\\" 4400 4301 2345 6789 \\ud83d\\ude00"}';
    const { findings, redacted } = readAll(json, text, { pieces: [5] });
    expect(findings.map((f) => f.type)).toEqual(['iin', 'card']);
    expect(JSON.parse(redacted)).toEqual({
      t: 'ИИН: 9005********\n"карта" 4400 **** **** **** 😀',
    });
  });

  it('scans a string longer than its window without losing a match at the seams (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), validIin), {
          minLength: 1,
          maxLength: 20,
        }),
        (parts) => {
          const value = parts.map(([gap, iin]) => `${'x '.repeat(gap)}${iin}`).join(' ');
          const text = JSON.stringify({ v: value });
          const { findings } = readAll(
            (ctx) =>
              createJsonReader(ctx, {
                telegram: false,
                window: { maxString: 64, overlap: 24, context: 8 },
              }),
            text,
            {
              types: ['iin'],
              pieces: [13],
            },
          );
          expect(findings.length).toBe(parts.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects malformed JSON with the byte offset', () => {
    expect(() => readAll(json, '{"a": [1, 2,, 3]}')).toThrow(/byte 12/);
    expect(() => readAll(json, '{"a": 1')).toThrow(/ends early/);
  });
});

describe('JSON paths under many identifier keys', () => {
  it('never echoes a key identifier in a path, even after the key cache is full', () => {
    const iins = Array.from({ length: 5000 }, (_, i) => `9005152${String(100000 + i).slice(1)}`);
    const doc = Object.fromEntries(iins.map((k) => [k, { phone: '+7 701 123 45 67' }]));
    const { findings } = readAll(json, JSON.stringify(doc), { types: ['phone'] });
    expect(findings).toHaveLength(5000);
    for (const f of findings) expect(f.location.jsonPath).toMatch(/^\$\["9005\*{8}"\]\.phone$/);
  });
});
