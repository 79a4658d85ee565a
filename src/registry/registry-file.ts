/**
 * Registry files for bulk loading and export. JSON mirrors the API (an operator with its systems);
 * CSV has one row per system (operator columns repeated; a row without a system name registers
 * the operator alone). Parsing never throws on bad rows: it reports each with its line or path.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';
import type { ImportItem, ImportProblem } from './registry.service.js';
import type { InformationSystem, Operator } from './registry.model.js';
import * as S from './registry.schema.js';

const { operatorId: _omit, ...systemProperties } = S.SystemCreate.properties;
const ImportSystem = Type.Object(systemProperties, { additionalProperties: false });
const ImportOperator = Type.Object(
  {
    ...S.OperatorCreate.properties,
    systems: Type.Optional(Type.Array(ImportSystem, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
const ImportDocument = Type.Object({
  operators: Type.Array(Type.Unknown(), { maxItems: 100_000 }),
});

export interface ParsedFile {
  readonly items: readonly ImportItem[];
  readonly problems: readonly ImportProblem[];
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const key of pointer.split('/').slice(1)) {
    current =
      current && typeof current === 'object'
        ? (current as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')]
        : undefined;
  }
  return current;
}

/** One readable problem per field: unions of literals say which value was refused. */
function shapeProblems(source: string, schema: TSchema, value: unknown): ImportProblem[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    if (error.keyword === 'boolean') continue;
    const extra = (error.params as { additionalProperties?: string[] }).additionalProperties;
    const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const where = extra ? [path, ...extra].filter(Boolean).join('.') : path || '(record)';
    if (byPath.has(where)) continue;
    const message =
      extra !== undefined
        ? 'is not an allowed field'
        : error.keyword === 'const' || error.keyword === 'anyOf'
          ? `'${String(valueAt(value, error.instancePath))}' is not one of the allowed values`
          : error.message;
    byPath.set(where, message);
  }
  return [...byPath].slice(0, 5).map(([where, message]) => ({
    source,
    code: 'request.validation',
    message: `${where}: ${message}`,
  }));
}

export function parseJsonFile(text: string): ParsedFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return {
      items: [],
      problems: [
        {
          source: 'file',
          code: 'request.malformed_body',
          message: `not valid JSON: ${(error as Error).message}`,
        },
      ],
    };
  }
  if (!Value.Check(ImportDocument, document)) {
    return {
      items: [],
      problems: [
        {
          source: 'file',
          code: 'request.validation',
          message: 'expected an object with an "operators" array',
        },
      ],
    };
  }
  const items: ImportItem[] = [];
  const problems: ImportProblem[] = [];
  document.operators.forEach((candidate, i) => {
    const source = `operators[${i}]`;
    if (!Value.Check(ImportOperator, candidate)) {
      problems.push(...shapeProblems(source, ImportOperator, candidate));
      return;
    }
    const { systems = [], ...operator } = candidate;
    items.push({
      source,
      operator,
      systems: systems.map((system, j) => ({ source: `${source}.systems[${j}]`, system })),
    });
  });
  return { items, problems };
}

export const CSV_COLUMNS = [
  'operator_identifier',
  'operator_name_kk',
  'operator_name_ru',
  'operator_name_en',
  'sector',
  'contact_name',
  'contact_position',
  'contact_email',
  'contact_phone',
  'system_name',
  'system_description',
  'system_kind',
  'purposes',
  'categories',
  'hosting_country',
  'data_centre',
  'on_national_platform',
  'access_control_since',
  'soc_since',
  'trust_status',
  'biometric_modalities',
  'biometric_locations',
  'biometric_vendor',
  'biometric_template_storage',
] as const;
type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>;

const OPERATOR_COLUMNS = CSV_COLUMNS.slice(0, 9);
const list = (value: string) =>
  value
    .split(';')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

function parseFlag(value: string): boolean | string {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'да', 'иә'].includes(v)) return true;
  if (['false', 'no', '0', 'нет', 'жоқ', ''].includes(v)) return false;
  return value;
}

/**
 * The longest CSV row, in characters, an import takes (and so its longest field): the longest
 * field the registry accepts, a system's biometric locations (500 of 300 characters, joined by
 * ';'), is about 151 000. The parser stops at the first row over it instead of reading on.
 */
export const MAX_CSV_ROW = 256 * 1024;

/** A CSV row over MAX_CSV_ROW: the whole import is refused in one line. */
export class CsvRowTooLongError extends Error {
  constructor(readonly line: number) {
    super(
      `line ${line}: a row longer than ${MAX_CSV_ROW} characters (the limit for a row, and so a field, of an import CSV)`,
    );
    this.name = 'CsvRowTooLongError';
  }
}

export function parseCsvFile(text: string): ParsedFile {
  let rows: CsvRow[];
  // The header as read, also when no row follows it (csv-parse then returns no rows at all).
  let header: string[] | undefined;
  try {
    rows = parseCsv<CsvRow>(text, {
      columns: (names: string[]) => (header = names),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
      max_record_size: MAX_CSV_ROW,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'CSV_MAX_RECORD_SIZE')
      throw new CsvRowTooLongError((error as { lines?: number }).lines ?? 1);
    return {
      items: [],
      problems: [
        {
          source: 'file',
          code: 'request.malformed_body',
          message: `not valid CSV: ${(error as Error).message}`,
        },
      ],
    };
  }
  if (header === undefined) {
    // An empty file (a failed export, the wrong file) is not an import of nothing.
    return {
      items: [],
      problems: [
        {
          source: 'header',
          code: 'request.validation',
          message: `the file is empty: expected a header row of ${CSV_COLUMNS.join(',')}`,
        },
      ],
    };
  }
  const columns = header;
  const missing = CSV_COLUMNS.slice(0, 9).filter((column) => !columns.includes(column));
  const unknown = columns.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      missing.length ? `missing columns ${missing.join(', ')}` : '',
      unknown.length ? `unknown columns ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    return {
      items: [],
      problems: [{ source: 'header', code: 'request.validation', message: parts.join('; ') }],
    };
  }

  const problems: ImportProblem[] = [];
  const byOperator = new Map<
    string,
    { line: number; row: CsvRow; operator: unknown; systems: { source: string; system: unknown }[] }
  >();
  rows.forEach((raw, i) => {
    const row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, raw[c] ?? ''])) as CsvRow;
    const line = i + 2;
    let group = byOperator.get(row.operator_identifier);
    if (!group) {
      group = {
        line,
        row,
        operator: {
          identifier: row.operator_identifier,
          name: { kk: row.operator_name_kk, ru: row.operator_name_ru, en: row.operator_name_en },
          sector: row.sector,
          contact: {
            name: row.contact_name,
            position: row.contact_position,
            email: row.contact_email,
            phone: row.contact_phone,
          },
        },
        systems: [],
      };
      byOperator.set(row.operator_identifier, group);
    } else {
      const differing = OPERATOR_COLUMNS.filter((column) => row[column] !== group!.row[column]);
      if (differing.length > 0) {
        problems.push({
          source: `line ${line}`,
          code: 'request.validation',
          message: `${differing.join(', ')} differ from line ${group.line} for the same operator`,
        });
        return;
      }
    }
    if (row.system_name === '') return;
    const biometric =
      row.system_kind === 'biometric' || row.biometric_vendor !== ''
        ? {
            modalities: list(row.biometric_modalities),
            locations: list(row.biometric_locations),
            vendor: row.biometric_vendor,
            templateStorage: row.biometric_template_storage,
          }
        : undefined;
    group.systems.push({
      source: `line ${line}`,
      system: {
        name: row.system_name,
        description: row.system_description,
        kind: row.system_kind,
        purposes: list(row.purposes),
        categories: list(row.categories),
        hosting: {
          country: row.hosting_country,
          dataCentre: row.data_centre,
          onNationalPlatform: parseFlag(row.on_national_platform),
        },
        connections: {
          accessControlSince: orNull(row.access_control_since),
          socSince: orNull(row.soc_since),
        },
        ...(row.trust_status ? { trustStatus: row.trust_status } : {}),
        ...(biometric ? { biometric } : {}),
      },
    });
  });

  const items: ImportItem[] = [];
  for (const group of byOperator.values()) {
    const source = `line ${group.line}`;
    if (!Value.Check(S.OperatorCreate, group.operator)) {
      problems.push(...shapeProblems(source, S.OperatorCreate, group.operator));
      continue;
    }
    const systems: ImportItem['systems'][number][] = [];
    for (const { source: systemSource, system } of group.systems) {
      if (Value.Check(ImportSystem, system)) systems.push({ source: systemSource, system });
      else problems.push(...shapeProblems(systemSource, ImportSystem, system));
    }
    items.push({ source, operator: group.operator, systems });
  }
  return { items, problems };
}

export function parseRegistryFile(name: string, text: string): ParsedFile {
  if (/\.json$/i.test(name)) return parseJsonFile(text);
  if (/\.csv$/i.test(name)) return parseCsvFile(text);
  return {
    items: [],
    problems: [
      {
        source: 'file',
        code: 'request.validation',
        message: `${name}: expected a .json or .csv file`,
      },
    ],
  };
}

/** The registry as an import-shaped document (round-trips through `parseJsonFile`). */
export function toJsonExport(
  operators: readonly (Operator & { readonly systems: readonly InformationSystem[] })[],
  exportedAt: string,
): string {
  const document = {
    exportedAt,
    operators: operators.map((operator) => ({
      identifier: operator.identifier,
      name: operator.name,
      sector: operator.sector,
      contact: operator.contact,
      systems: operator.systems.map((system) => ({
        name: system.name,
        description: system.description,
        kind: system.kind,
        purposes: system.purposes,
        categories: system.categories,
        legalGrounds: system.legalGrounds,
        hosting: system.hosting,
        connections: system.connections,
        trustStatus: system.trustStatus,
        biometric: system.biometric,
        clientCertSha256: system.clientCertSha256,
      })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function toCsvExport(
  operators: readonly (Operator & { readonly systems: readonly InformationSystem[] })[],
): string {
  const rows: string[][] = [];
  for (const operator of operators) {
    const operatorCells = [
      operator.identifier,
      operator.name.kk,
      operator.name.ru,
      operator.name.en,
      operator.sector,
      operator.contact.name,
      operator.contact.position,
      operator.contact.email,
      operator.contact.phone,
    ];
    if (operator.systems.length === 0)
      rows.push([...operatorCells, ...Array<string>(CSV_COLUMNS.length - 9).fill('')]);
    for (const system of operator.systems) {
      rows.push([
        ...operatorCells,
        system.name,
        system.description,
        system.kind,
        system.purposes.join(';'),
        system.categories.join(';'),
        system.hosting.country,
        system.hosting.dataCentre,
        String(system.hosting.onNationalPlatform),
        system.connections.accessControlSince ?? '',
        system.connections.socSince ?? '',
        system.trustStatus,
        system.biometric?.modalities.join(';') ?? '',
        system.biometric?.locations.join(';') ?? '',
        system.biometric?.vendor ?? '',
        system.biometric?.templateStorage ?? '',
      ]);
    }
  }
  return stringifyCsv(rows, { header: true, columns: [...CSV_COLUMNS] });
}
