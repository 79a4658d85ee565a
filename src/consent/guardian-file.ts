/**
 * The guardianship import file (`qalqan consent import-guardians FILE`): JSON (an array, or
 * `{ "guardianships": [...] }`) or CSV with the header `guardianIin,childIin,relation,reference`.
 * Each record is checked on its own and every problem is reported with its record number and
 * field, never with the value (it may be an IIN). The IINs themselves are checked by the subjects
 * port when the file is imported.
 */
import { RELATIONS, type GuardianshipInput, type Relation } from './guardians.js';

export interface GuardianFile {
  readonly records: readonly GuardianshipInput[];
  readonly problems: readonly string[];
}

const FIELDS = ['guardianIin', 'childIin', 'relation', 'reference'] as const;
const MAX_REFERENCE = 500;

function recordOf(raw: unknown, n: number, problems: string[]): GuardianshipInput | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`record ${n}: must be an object with ${FIELDS.join(', ')}`);
    return null;
  }
  const row = raw as Record<string, unknown>;
  const before = problems.length;
  for (const key of Object.keys(row))
    if (!(FIELDS as readonly string[]).includes(key))
      problems.push(
        // A field name could itself be an identifier pasted in the wrong place: never echoed.
        `record ${n}: ${/\d{12}/.test(key) ? 'a field' : key.slice(0, 40)}: unknown field`,
      );
  for (const field of ['guardianIin', 'childIin'] as const)
    if (typeof row[field] !== 'string' || !/^\d{12}$/.test(row[field]))
      problems.push(`record ${n}: ${field}: must be 12 digits`);
  if (typeof row.relation !== 'string' || !(RELATIONS as readonly string[]).includes(row.relation))
    problems.push(`record ${n}: relation: must be one of ${RELATIONS.join(', ')}`);
  if (
    typeof row.reference !== 'string' ||
    row.reference.trim() === '' ||
    row.reference.length > MAX_REFERENCE
  )
    problems.push(
      `record ${n}: reference: the act or court decision, 1 to ${MAX_REFERENCE} characters`,
    );
  if (problems.length > before) return null;
  return {
    guardianIin: row.guardianIin as string,
    childIin: row.childIin as string,
    relation: row.relation as Relation,
    reference: (row.reference as string).trim(),
  };
}

/** Splits one CSV line; quoted fields may hold commas and doubled quotes. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
}

export function parseGuardianFile(name: string, text: string): GuardianFile {
  const problems: string[] = [];
  let rows: unknown[];
  if (name.toLowerCase().endsWith('.csv')) {
    const lines = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    const header = csvFields(lines[0] ?? '');
    if (header.join(',') !== FIELDS.join(','))
      return { records: [], problems: [`header: must be ${FIELDS.join(',')}`] };
    rows = lines.slice(1).map((line) => {
      const values = csvFields(line);
      if (values.length !== FIELDS.length) return `${values.length} fields`;
      return Object.fromEntries(FIELDS.map((field, i) => [field, values[i]]));
    });
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { records: [], problems: ['the file is not JSON (or name it .csv)'] };
    }
    const list = Array.isArray(parsed)
      ? parsed
      : (parsed as { guardianships?: unknown } | null)?.guardianships;
    if (!Array.isArray(list))
      return { records: [], problems: ['expected an array or { "guardianships": [...] }'] };
    rows = list;
  }
  if (rows.length === 0) return { records: [], problems: ['the file holds no guardianships'] };
  const records: GuardianshipInput[] = [];
  rows.forEach((raw, i) => {
    if (typeof raw === 'string') {
      problems.push(
        `record ${i + 1}: expected ${FIELDS.length} comma-separated fields, found ${raw}`,
      );
      return;
    }
    const record = recordOf(raw, i + 1, problems);
    if (record) records.push(record);
  });
  return { records, problems };
}
