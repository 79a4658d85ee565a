/**
 * A staff list uploaded as a file or pasted, read in the browser before anything is sent: one
 * employee a line with the single-entry form's fields (IIN, then optionally actor id and label),
 * so the page can show what it would send, name the lines it cannot, and send the rest to
 * `POST /v1/monitor/operators/{id}/staff/batch` in one request (all or none). Pure: text in,
 * entries and problems by line out; the server checks every entry again and stays the authority.
 *
 * The text is CSV as spreadsheets write it (RFC 4180 quoting, `""` for a quote inside quotes,
 * line breaks inside quotes), with what they add around it: a byte-order mark, CRLF or CR line
 * ends, blank lines, trailing empty columns, and a semicolon or tab instead of a comma (Excel in a
 * Russian or Kazakh locale writes semicolons). A header row is allowed; it may put the columns in
 * any order.
 */
import { type IinFailure, iinProblem } from './iin';
import { compactIin } from './lists-model';

/** `MAX_STAFF_BATCH` in `src/monitor/reference-lists.store.ts`: the schema refuses a longer batch. */
export const MAX_STAFF_BATCH = 1000;
/** The batch schema's longest actor id and label (`StaffCreate`), counted in code points. */
const MAX_ACTOR_ID = 128;
const MAX_LABEL = 200;

export type StaffColumn = 'iin' | 'actorId' | 'label';
/** Without a header, the single-entry form's order. */
const DEFAULT_COLUMNS: readonly StaffColumn[] = ['iin', 'actorId', 'label'];

/**
 * Header names taken for each column, normalised as `columnName` does (a Map: a header cell named `constructor` is no column): the API's own names and
 * the form's labels in Kazakh, Russian and English.
 */
const COLUMN_NAMES: ReadonlyMap<string, StaffColumn> = new Map<string, StaffColumn>([
  ['iin', 'iin'],
  ['иин', 'iin'],
  ['жсн', 'iin'],
  ['actorid', 'actorId'],
  ['actor', 'actorId'],
  ['идентификаторисполнителя', 'actorId'],
  ['орындаушыидентификаторы', 'actorId'],
  ['label', 'label'],
  ['метка', 'label'],
  ['белгі', 'label'],
]);

/** One entry to send, with the line it starts on (1-based, as an editor numbers them). */
export interface StaffRow {
  readonly line: number;
  readonly iin: string;
  readonly actorId?: string;
  readonly label?: string;
}

/** Why a line cannot be sent. None repeats the line's text: it may hold an IIN. */
export type LineProblem =
  | { readonly line: number; readonly reason: 'iin'; readonly failure: IinFailure }
  | { readonly line: number; readonly reason: 'iinMissing' }
  | { readonly line: number; readonly reason: 'tooManyFields' }
  | { readonly line: number; readonly reason: 'actorIdTooLong' }
  | { readonly line: number; readonly reason: 'labelTooLong' }
  /** The same IIN, or actor id, as an earlier line: the server keeps one of each per operator. */
  | { readonly line: number; readonly reason: 'samePerson'; readonly first: number }
  | { readonly line: number; readonly reason: 'sameActor'; readonly first: number }
  /** A quotation mark opened here is never closed: nothing after it could be read. */
  | { readonly line: number; readonly reason: 'unclosedQuote' }
  /** A header column (1-based) named neither iin, actorId nor label, or named twice. */
  | { readonly line: number; readonly reason: 'unknownColumn'; readonly column: number }
  | { readonly line: number; readonly reason: 'duplicateColumn'; readonly column: number }
  | { readonly line: number; readonly reason: 'noIinColumn' }
  /**
   * A "?" in a list read in a single-byte encoding (Windows-1251, CP866, KOI8-R): a letter the
   * encoding lacks (`refuseLostLetters`).
   */
  | { readonly line: number; readonly reason: 'lostLetter' };

export interface StaffList {
  readonly entries: readonly StaffRow[];
  /** In line order. */
  readonly problems: readonly LineProblem[];
  /** Whether the first line was read as a header. */
  readonly header: boolean;
}

/** A record as the tokenizer reads it: its fields and the line it starts on. */
interface RawRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** The separator of the first non-blank line: the most frequent of comma, semicolon and tab. */
function delimiterOf(text: string): string {
  const first = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const counts = new Map([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const c of first) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return best;
}

/**
 * Splits normalised text (line ends `\n`) into records. Unquoted fields are trimmed; a quoted one
 * is kept as written (spaces before its opening quote dropped, anything between its closing quote
 * and the next separator appended, as spreadsheets are lenient there too). Blank records — no
 * field holding anything — are skipped.
 */
function tokenize(
  text: string,
  delimiter: string,
): { records: RawRecord[]; unclosedAt: number | undefined } {
  const records: RawRecord[] = [];
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f !== '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && !quoted && field.trim() === '') {
      field = '';
      quoted = true;
      inQuotes = true;
    } else if (c === delimiter) endField();
    else if (c === '\n') {
      endRecord();
      line++;
      recordLine = line;
    } else if (!(quoted && (c === ' ' || c === '\t'))) field += c;
  }
  if (inQuotes) return { records, unclosedAt: recordLine };
  endRecord();
  return { records, unclosedAt: undefined };
}

/** A header cell as a key of `COLUMN_NAMES`: lower case, "(optional)" and separators dropped. */
const columnName = (cell: string) =>
  cell
    .toLowerCase()
    .replace(/\([^)]*\)/g, '')
    .replace(/[\s_.-]+/g, '');

/**
 * A first record is a header when its first field holds letters and no digit: the first column of
 * a data line is an IIN (an IIN mistyped with a letter stays a data line, refused as not an IIN).
 */
const isHeader = ({ fields }: RawRecord) =>
  /\p{L}/u.test(fields[0] ?? '') && !/\d/.test(fields[0] ?? '');

const codePoints = (text: string) => [...text].length;

/** Reads a staff list; see the module comment for what it takes. */
export function parseStaffList(input: string): StaffList {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const { records, unclosedAt } = tokenize(text, delimiterOf(text));
  const problems: LineProblem[] = [];
  // null: a column the header leaves unnamed, which must then be empty.
  let columns: readonly (StaffColumn | null)[] = DEFAULT_COLUMNS;
  const header = records.length > 0 && isHeader(records[0]!);
  if (header) {
    const head = records.shift()!;
    const named: (StaffColumn | null)[] = [];
    head.fields.forEach((cell, i) => {
      const column = COLUMN_NAMES.get(columnName(cell));
      // A column the page does not know could be data it would drop without a word.
      if (!column && cell !== '')
        problems.push({ line: head.line, reason: 'unknownColumn', column: i + 1 });
      else if (column && named.includes(column))
        problems.push({ line: head.line, reason: 'duplicateColumn', column: i + 1 });
      named.push(column ?? null);
    });
    if (!named.includes('iin')) problems.push({ line: head.line, reason: 'noIinColumn' });
    columns = named;
  }
  const entries: StaffRow[] = [];
  if (problems.length === 0) {
    const personAt = new Map<string, number>();
    const actorAt = new Map<string, number>();
    for (const { line, fields } of records) {
      const row: Partial<Record<StaffColumn, string>> = {};
      let valid = true;
      const refuse = (problem: LineProblem) => {
        problems.push(problem);
        valid = false;
      };
      // Trailing empty fields are what a spreadsheet writes for empty columns after the last.
      if (fields.some((field, i) => field !== '' && !columns[i]))
        refuse({ line, reason: 'tooManyFields' });
      columns.forEach((column, i) => {
        const value = fields[i] ?? '';
        if (column && value !== '') row[column] = value;
      });
      const iin = compactIin(row.iin ?? '');
      const failure = iin === '' ? undefined : iinProblem(iin);
      if (iin === '') refuse({ line, reason: 'iinMissing' });
      else if (failure) refuse({ line, reason: 'iin', failure });
      else if (personAt.has(iin)) refuse({ line, reason: 'samePerson', first: personAt.get(iin)! });
      else personAt.set(iin, line);
      const { actorId, label } = row;
      if (actorId !== undefined && codePoints(actorId) > MAX_ACTOR_ID)
        refuse({ line, reason: 'actorIdTooLong' });
      else if (actorId !== undefined && actorAt.has(actorId))
        refuse({ line, reason: 'sameActor', first: actorAt.get(actorId)! });
      else if (actorId !== undefined) actorAt.set(actorId, line);
      if (label !== undefined && codePoints(label) > MAX_LABEL)
        refuse({ line, reason: 'labelTooLong' });
      if (valid)
        entries.push({
          line,
          iin,
          ...(actorId !== undefined ? { actorId } : {}),
          ...(label !== undefined ? { label } : {}),
        });
    }
  }
  if (unclosedAt !== undefined) problems.push({ line: unclosedAt, reason: 'unclosedQuote' });
  problems.sort((a, b) => a.line - b.line);
  return { entries, problems, header };
}

/**
 * A list read from a Windows-1251 (or CP866, or KOI8-R) file with every entry whose actor id or
 * label holds a "?" moved to the problems. Windows-1251 has no ә, ғ, қ, ң, ө, ұ, ү or һ (the other
 * two not even і): Excel saving a Kazakh name as plain "CSV" writes "?" for each, as do other
 * programs saving in those encodings, and an actor id so mangled would never match the one in the
 * access log. Only "CSV UTF-8" keeps them, so such a line is not sent; a "?" meant as one is
 * rare enough in a staff register to be worth the detour.
 */
export function refuseLostLetters(list: StaffList): StaffList {
  const lost = list.entries.filter((e) => `${e.actorId ?? ''}${e.label ?? ''}`.includes('?'));
  if (lost.length === 0) return list;
  return {
    ...list,
    entries: list.entries.filter((e) => !lost.includes(e)),
    problems: [
      ...list.problems,
      ...lost.map(({ line }): LineProblem => ({ line, reason: 'lostLetter' })),
    ].sort((a, b) => a.line - b.line),
  };
}

/** Whether a parsed list may be sent: something to send, no line refused, within the limit. */
export const batchReady = (list: StaffList): boolean =>
  list.problems.length === 0 && list.entries.length > 0 && list.entries.length <= MAX_STAFF_BATCH;

/** Why the server refused one entry of a batch, worded by the page (`lists.upload.refusal`). */
export type RefusalReason =
  | 'invalidIin'
  | 'personExists'
  | 'actorExists'
  | 'iinRefused'
  | 'actorIdRefused'
  | 'labelRefused'
  | 'other';

export interface Refusal {
  /** The line of the entry refused (its index when the answer names one the page did not send). */
  readonly line: number;
  readonly reason: RefusalReason;
  readonly code: string;
  /** The live entry it collides with, when the server names one. */
  readonly id?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function reasonOf(code: string, field: string): RefusalReason {
  if (code === 'core.invalid_iin') return 'invalidIin';
  if (code === 'monitor.reference_exists' && field === 'iin') return 'personExists';
  if (code === 'monitor.reference_exists' && field === 'actorId') return 'actorExists';
  if (code === 'request.validation' && field === 'iin') return 'iinRefused';
  if (code === 'request.validation' && field === 'actorId') return 'actorIdRefused';
  if (code === 'request.validation' && field === 'label') return 'labelRefused';
  return 'other';
}

/**
 * The entries a `422 monitor.batch_refused` names (its `errors[]`, by index into the batch sent),
 * each by the line it came from, in line order. Members that are not as documented are skipped.
 */
export function refusalsOf(problem: unknown, sent: readonly StaffRow[]): Refusal[] {
  const errors = isRecord(problem) && Array.isArray(problem.errors) ? problem.errors : [];
  const refusals: Refusal[] = [];
  for (const error of errors) {
    if (!isRecord(error) || typeof error.index !== 'number' || typeof error.code !== 'string')
      continue;
    const field = typeof error.field === 'string' ? (error.field.split('.').pop() ?? '') : '';
    refusals.push({
      line: sent[error.index]?.line ?? error.index + 1,
      reason: reasonOf(error.code, field),
      code: error.code,
      ...(typeof error.id === 'string' ? { id: error.id } : {}),
    });
  }
  return refusals.sort((a, b) => a.line - b.line);
}
