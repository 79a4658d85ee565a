import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGuardianFile } from './guardian-file.js';
import { RELATIONS } from './guardians.js';

const digits12 = fc.stringMatching(/^\d{12}$/);
const record = fc.record({
  guardianIin: digits12,
  childIin: digits12,
  relation: fc.constantFrom(...RELATIONS),
  reference: fc
    .string({ minLength: 1, maxLength: 80 })
    .filter((s) => s.trim() !== '' && s.trim() === s && !/[\r\n]/.test(s)),
});
const csvField = (value: string) => `"${value.replace(/"/g, '""')}"`;

describe('guardianship import file', () => {
  it('reads the same records from JSON (both shapes) and CSV, with no problems', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (records) => {
        const csv = [
          'guardianIin,childIin,relation,reference',
          ...records.map((r) =>
            [r.guardianIin, r.childIin, r.relation, csvField(r.reference)].join(','),
          ),
        ].join('\r\n');
        for (const [name, text] of [
          ['g.json', JSON.stringify(records)],
          ['g.json', JSON.stringify({ guardianships: records })],
          ['g.csv', csv],
        ] as const)
          expect(parseGuardianFile(name, text)).toEqual({ records, problems: [] });
      }),
    );
  });

  it('never throws on any text and never repeats a 12-digit value in a problem', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('g.json', 'g.csv'),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .array(fc.record({ guardianIin: fc.string(), childIin: digits12 }))
            .map((a) => JSON.stringify(a)),
        ),
        (name, text) => {
          const parsed = parseGuardianFile(name, text);
          for (const problem of parsed.problems) expect(problem).not.toMatch(/\d{12}/);
          expect(parsed.records.length + parsed.problems.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('names the record and field of each problem', () => {
    const parsed = parseGuardianFile(
      'g.json',
      JSON.stringify([
        { guardianIin: '1', childIin: '900101300016', relation: 'aunt', reference: 'x', extra: 1 },
      ]),
    );
    expect(parsed.problems).toEqual([
      'record 1: extra: unknown field',
      'record 1: guardianIin: must be 12 digits',
      'record 1: relation: must be one of parent, guardian, trustee',
    ]);
    expect(parseGuardianFile('g.csv', 'a,b\n1,2').problems).toEqual([
      'header: must be guardianIin,childIin,relation,reference',
    ]);
    expect(parseGuardianFile('g.json', '[]').problems).toEqual(['the file holds no guardianships']);
  });
});
