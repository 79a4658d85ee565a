/**
 * Registry files are checked against the routes' own schemas, so a system's lists are sets there
 * too: a purpose or category named twice is a problem of its row (JSON path or CSV line), reported
 * beside the others, and the import takes nothing.
 */
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, parseCsvFile, parseJsonFile } from './registry-file.js';
import { operatorBody } from './test-support/registry-app.js';

const system = {
  name: 'Electronic health record',
  description: 'Patient records',
  kind: 'ordinary',
  purposes: ['health.treatment'],
  categories: ['identity', 'health', 'contact'],
  hosting: { country: 'KZ', dataCentre: 'Almaty DC', onNationalPlatform: true },
};

describe('registry files: repeated purposes and categories', () => {
  it('JSON: the operator holding the system is refused by its path, the others are read', () => {
    const parsed = parseJsonFile(
      JSON.stringify({
        operators: [
          { ...operatorBody(), systems: [system] },
          { ...operatorBody(), systems: [system, { ...system, categories: ['health', 'health'] }] },
        ],
      }),
    );
    expect(parsed.items.map((item) => item.source)).toEqual(['operators[0]']);
    expect(parsed.problems).toEqual([
      {
        source: 'operators[1]',
        code: 'request.validation',
        message: expect.stringMatching(/^systems\.1\.categories: .*duplicate/) as unknown,
      },
    ]);
  });

  it('CSV: the line with a purpose named twice is refused, the other line is read', () => {
    const operator = operatorBody();
    const row = (purposes: string) => {
      const values: Record<string, string> = {
        operator_identifier: operator.identifier,
        operator_name_kk: operator.name.kk,
        operator_name_ru: operator.name.ru,
        operator_name_en: operator.name.en,
        sector: operator.sector,
        contact_name: operator.contact.name,
        contact_position: operator.contact.position,
        contact_email: operator.contact.email,
        contact_phone: operator.contact.phone,
        system_name: `System ${purposes}`,
        system_description: 'Records',
        system_kind: 'ordinary',
        purposes,
        categories: 'identity;health',
        hosting_country: 'KZ',
        data_centre: 'Almaty DC',
        on_national_platform: 'yes',
      };
      return CSV_COLUMNS.map((column) => JSON.stringify(values[column] ?? '')).join(',');
    };
    const parsed = parseCsvFile(
      [CSV_COLUMNS.join(','), row('health.treatment'), row('health.treatment;health.treatment')]
        .join('\n')
        .concat('\n'),
    );
    expect(parsed.items.flatMap((item) => item.systems.map((s) => s.source))).toEqual(['line 2']);
    expect(parsed.problems).toEqual([
      {
        source: 'line 3',
        code: 'request.validation',
        message: expect.stringMatching(/^purposes: .*duplicate/) as unknown,
      },
    ]);
  });
});

describe('registry CSV header', () => {
  it('an empty file or a header of other columns is a problem even with no rows after it', () => {
    for (const text of ['', '\n\n', '\uFEFF']) {
      expect(parseCsvFile(text)).toEqual({
        items: [],
        problems: [
          {
            source: 'header',
            code: 'request.validation',
            message: `the file is empty: expected a header row of ${CSV_COLUMNS.join(',')}`,
          },
        ],
      });
    }
    const other = parseCsvFile('name,iin,phone\n');
    expect(other.items).toEqual([]);
    expect(other.problems).toEqual([
      {
        source: 'header',
        code: 'request.validation',
        message: expect.stringMatching(
          /^missing columns operator_identifier, .*; unknown columns name, iin, phone$/,
        ) as unknown,
      },
    ]);
    // The header alone, as `registry export --format csv` writes an empty registry: nothing to do.
    expect(parseCsvFile(`${CSV_COLUMNS.join(',')}\n`)).toEqual({ items: [], problems: [] });
  });
});
