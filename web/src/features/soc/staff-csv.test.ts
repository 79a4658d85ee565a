import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iinProblem } from './iin';
import {
  batchReady,
  MAX_STAFF_BATCH,
  parseStaffList,
  refusalsOf,
  refuseLostLetters,
  type StaffRow,
} from './staff-csv';

/** Eleven digits with the check digit that makes them an IIN, or undefined if none does. */
function withCheckDigit(prefix: string): string | undefined {
  for (let d = 0; d < 10; d++) if (!iinProblem(`${prefix}${d}`)) return `${prefix}${d}`;
  return undefined;
}

const IIN_A = withCheckDigit('90051520123')!;
const IIN_B = withCheckDigit('85030330011')!;
const IIN_C = withCheckDigit('77121240005')!;

/** A valid IIN: a real birth date, a century digit, a serial, its check digit. */
const anIin = fc
  .record({
    day: fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
    sex: fc.integer({ min: 0, max: 1 }),
    serial: fc.integer({ min: 0, max: 9999 }),
  })
  .map(({ day, sex, serial }) => {
    const year = day.getUTCFullYear();
    const century = (year < 2000 ? 3 : 5) + sex;
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    return withCheckDigit(
      `${pad(year % 100, 2)}${pad(day.getUTCMonth() + 1, 2)}${pad(day.getUTCDate(), 2)}${century}${pad(serial, 4)}`,
    );
  })
  .filter((iin): iin is string => iin !== undefined);

/** Any text a cell may hold: every code point but CR (read as a line end, see `\r` below). */
const cellText = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).filter((text) => !text.includes('\r'));

interface Employee {
  readonly iin: string;
  readonly actorId: string;
  readonly label: string;
}
const employees = fc.uniqueArray(
  fc.record({ iin: anIin, actorId: cellText(20), label: cellText(40) }),
  {
    maxLength: 25,
    // One person and one actor id a line: the file's own duplicates are refused.
    comparator: (a, b) => a.iin === b.iin || (a.actorId !== '' && a.actorId === b.actorId),
  },
);

const DELIMITERS = [',', ';', '\t'] as const;

/** A cell as a spreadsheet writes it: quoted when it must be (or, at random, when it need not). */
function cell(value: string, delimiter: string, quoteAnyway: boolean): string {
  const must = value.includes(delimiter) || /["\n\r]/.test(value) || value !== value.trim();
  return must || quoteAnyway ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Writes employees as CSV and says on which line each starts. */
function write(
  list: readonly Employee[],
  { delimiter = ',', quoteAll = false, header = '', eol = '\n' } = {},
): { text: string; expected: StaffRow[] } {
  let text = header ? `${header}${eol}` : '';
  const expected: StaffRow[] = [];
  for (const e of list) {
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    expected.push({
      line,
      iin: e.iin,
      ...(e.actorId !== '' ? { actorId: e.actorId } : {}),
      ...(e.label !== '' ? { label: e.label } : {}),
    });
    text += [e.iin, e.actorId, e.label].map((v) => cell(v, delimiter, quoteAll)).join(delimiter);
    text += eol;
  }
  return { text, expected };
}

describe('reading a staff list in the browser', () => {
  it('reads one employee a line: IIN, then optionally actor id and label', () => {
    const list = parseStaffList(`${IIN_A},nurse-1,Night nurse\n${IIN_B}\n${IIN_C},,Cashier\n`);
    expect(list).toEqual({
      header: false,
      problems: [],
      entries: [
        { line: 1, iin: IIN_A, actorId: 'nurse-1', label: 'Night nurse' },
        { line: 2, iin: IIN_B },
        { line: 3, iin: IIN_C, label: 'Cashier' },
      ],
    });
    expect(batchReady(list)).toBe(true);
  });

  it('takes what spreadsheets write: a BOM, CRLF, blank lines, quotes, semicolons, trailing empty columns', () => {
    const text =
      '\uFEFFIIN;Actor id;Label\r\n' +
      '\r\n' +
      `${IIN_A.slice(0, 6)} ${IIN_A.slice(6)};"nurse;1";"Ward ""B"", nights"\r\n` +
      ';;\r\n' +
      `  ${IIN_B} ; ; "two\r\nlines" ;;\r\n` +
      `${IIN_C}`;
    expect(parseStaffList(text)).toEqual({
      header: true,
      problems: [],
      entries: [
        { line: 3, iin: IIN_A, actorId: 'nurse;1', label: 'Ward "B", nights' },
        { line: 5, iin: IIN_B, label: 'two\nlines' },
        { line: 7, iin: IIN_C },
      ],
    });
  });

  it('takes a header in any order and in the console’s languages, and refuses one it cannot read', () => {
    expect(parseStaffList(`Метка\tИИН\nКассир\t${IIN_A}`).entries).toEqual([
      { line: 2, iin: IIN_A, label: 'Кассир' },
    ]);
    expect(
      parseStaffList(`белгі,жсн,Орындаушы идентификаторы (міндетті емес)\nx,${IIN_A},a-1`).entries,
    ).toEqual([{ line: 2, iin: IIN_A, actorId: 'a-1', label: 'x' }]);
    // Unknown, repeated, missing: nothing is read, and no cell is repeated back.
    expect(parseStaffList(`iin,salary,constructor\n${IIN_A},1,2`).problems).toEqual([
      { line: 1, reason: 'unknownColumn', column: 2 },
      { line: 1, reason: 'unknownColumn', column: 3 },
    ]);
    expect(parseStaffList(`iin,label,Label\n${IIN_A}`).problems).toEqual([
      { line: 1, reason: 'duplicateColumn', column: 3 },
    ]);
    const noIin = parseStaffList(`label\nNurse`);
    expect(noIin.problems).toEqual([{ line: 1, reason: 'noIinColumn' }]);
    expect(noIin.entries).toEqual([]);
  });

  it('names every line it cannot send, by line number and reason, and keeps the good ones', () => {
    const typo = `${IIN_A.slice(0, 11)}${(Number(IIN_A[11]) + 1) % 10}`;
    const list = parseStaffList(
      [
        `${IIN_A},a-1`,
        typo,
        ',a-2,No IIN',
        `${IIN_B},a-1`,
        `${IIN_A},a-3`,
        `${IIN_C},${'x'.repeat(129)}`,
        `${withCheckDigit('66061630011')},,${'é'.repeat(201)}`,
        `${withCheckDigit('66061630012')},a-4,label,extra`,
        `${withCheckDigit('66061630013')},a-5,${'д'.repeat(200)}`,
      ].join('\n'),
    );
    expect(list.problems).toEqual([
      { line: 2, reason: 'iin', failure: 'checksum' },
      { line: 3, reason: 'iinMissing' },
      { line: 4, reason: 'sameActor', first: 1 },
      { line: 5, reason: 'samePerson', first: 1 },
      { line: 6, reason: 'actorIdTooLong' },
      { line: 7, reason: 'labelTooLong' },
      { line: 8, reason: 'tooManyFields' },
    ]);
    expect(list.entries.map((e) => e.line)).toEqual([1, 9]);
    expect(batchReady(list)).toBe(false);
  });

  it('names the line of a quotation mark never closed', () => {
    const list = parseStaffList(`${IIN_A},a-1\n${IIN_B},"open\n${IIN_C}\n`);
    expect(list.problems).toEqual([{ line: 2, reason: 'unclosedQuote' }]);
    expect(list.entries).toEqual([{ line: 1, iin: IIN_A, actorId: 'a-1' }]);
  });

  it('is not ready with nothing to send or more than the server takes', () => {
    expect(batchReady(parseStaffList(''))).toBe(false);
    expect(batchReady(parseStaffList('\n \r\n,,\n'))).toBe(false);
    expect(batchReady(parseStaffList('iin,label\n'))).toBe(false);
    const many = (n: number) => ({
      entries: Array.from({ length: n }, (_, i) => ({ line: i + 1, iin: IIN_A })),
      problems: [],
      header: false,
    });
    expect(batchReady(many(MAX_STAFF_BATCH))).toBe(true);
    expect(batchReady(many(MAX_STAFF_BATCH + 1))).toBe(false);
  });

  describe('properties', () => {
    const options = fc.record({
      delimiter: fc.constantFrom(...DELIMITERS),
      quoteAll: fc.boolean(),
      eol: fc.constantFrom('\n', '\r\n'),
      header: fc.boolean(),
    });

    it('reads back any list a spreadsheet writes, whatever its separator, quoting and line ends', () => {
      fc.assert(
        fc.property(employees, options, (list, { delimiter, quoteAll, eol, header }) => {
          const { text, expected } = write(list, {
            delimiter,
            quoteAll,
            eol,
            header: header ? ['iin', 'actorId', 'label'].join(delimiter) : '',
          });
          expect(parseStaffList(text)).toEqual({ entries: expected, problems: [], header });
        }),
      );
    });

    it('a BOM, CRLF or CR for LF and a missing last line end change nothing', () => {
      fc.assert(
        fc.property(employees, options, (list, { delimiter, quoteAll }) => {
          const { text } = write(list, { delimiter, quoteAll });
          const plain = parseStaffList(text);
          expect(parseStaffList(`\uFEFF${text}`)).toEqual(plain);
          expect(parseStaffList(text.replaceAll('\n', '\r\n'))).toEqual(plain);
          expect(parseStaffList(text.replaceAll('\n', '\r'))).toEqual(plain);
          expect(parseStaffList(text.replace(/\n$/, ''))).toEqual(plain);
        }),
      );
    });

    it('blank lines only move the line numbers', () => {
      fc.assert(
        fc.property(
          employees,
          fc.array(fc.constantFrom('', '  ', '\t', ',,', ' , '), { minLength: 1, maxLength: 5 }),
          fc.nat(),
          (list, blanks, at) => {
            // Blank lines go between records, not inside a quoted cell.
            const lines = list.map((e) => write([e], { quoteAll: true }).text);
            const where = lines.length === 0 ? 0 : at % (lines.length + 1);
            const text = [
              ...lines.slice(0, where),
              ...blanks.map((b) => `${b}\n`),
              ...lines.slice(where),
            ].join('');
            const read = parseStaffList(text);
            const plain = parseStaffList(lines.join(''));
            expect(read.problems).toEqual([]);
            expect(read.entries.map(({ line: _, ...e }) => e)).toEqual(
              plain.entries.map(({ line: _, ...e }) => e),
            );
            expect(read.entries.map((e) => e.line)).toEqual(
              plain.entries.map((e, i) => e.line + (i >= where ? blanks.length : 0)),
            );
          },
        ),
      );
    });

    it('a header naming the columns in any order reads the same entries, a line further down', () => {
      fc.assert(
        fc.property(
          employees,
          fc.shuffledSubarray(['iin', 'actorId', 'label'] as const, { minLength: 3 }),
          (list, order) => {
            const text = list
              .map((e) => order.map((column) => cell(e[column], ',', false)).join(','))
              .join('\n');
            const read = parseStaffList(`${order.join(',')}\n${text}`);
            const { expected } = write(list, { header: 'iin,actorId,label' });
            expect(read).toEqual({ entries: expected, problems: [], header: true });
          },
        ),
      );
    });

    it('on any text: never throws, entries valid, in order and one a line, no line both sent and refused', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 300 }),
            fc
              .array(fc.constantFrom('"', ',', ';', '\t', '\n', '\r', ' ', 'a', '7', IIN_A, IIN_B))
              .map((parts) => parts.join('')),
          ),
          (text) => {
            const { entries, problems } = parseStaffList(text);
            const lineCount = text.replace(/\r\n?/g, '\n').split('\n').length;
            for (const e of entries) {
              expect(iinProblem(e.iin)).toBeUndefined();
              expect(e.line).toBeGreaterThanOrEqual(1);
              expect(e.line).toBeLessThanOrEqual(lineCount);
            }
            for (const p of problems) expect(p.line).toBeLessThanOrEqual(lineCount);
            const lines = entries.map((e) => e.line);
            expect(lines).toEqual([...lines].sort((a, b) => a - b));
            expect(new Set(lines).size).toBe(lines.length);
            // A line is sent or refused, never both.
            for (const p of problems) expect(lines).not.toContain(p.line);
            expect(new Set(entries.map((e) => e.iin)).size).toBe(entries.length);
          },
        ),
      );
    });
  });
});

describe('a list read as Windows-1251', () => {
  it('does not send a line with a "?" in its actor id or label: a Kazakh letter lost on saving', () => {
    const list = parseStaffList(
      `iin;actorId;label\n${IIN_A};nurse-1;Серікова Алия\n${IIN_B};;?алия\n` +
        `${IIN_C};a?ylan;Асылан\n${IIN_C.slice(0, 11)}x;;Ба?ыт\n`,
    );
    const checked = refuseLostLetters(list);
    expect(checked.entries).toEqual([
      { line: 2, iin: IIN_A, actorId: 'nurse-1', label: 'Серікова Алия' },
    ]);
    // In line order among the parser's own problems; line 5 is not an IIN first.
    expect(checked.problems).toEqual([
      { line: 3, reason: 'lostLetter' },
      { line: 4, reason: 'lostLetter' },
      { line: 5, reason: 'iin', failure: 'format' },
    ]);
    expect(batchReady(checked)).toBe(false);
    // Without a "?", the list is as read.
    const clean = parseStaffList(`${IIN_A};;Серікова Алия\n`);
    expect(refuseLostLetters(clean)).toBe(clean);
  });
});

describe('a refused batch, by line', () => {
  const sent: StaffRow[] = [
    { line: 2, iin: IIN_A },
    { line: 5, iin: IIN_B, actorId: 'a-1' },
    { line: 9, iin: IIN_C, label: 'x' },
  ];

  it('names each refused entry by the line it came from, worded by code and field, in line order', () => {
    const problem = {
      code: 'monitor.batch_refused',
      errors: [
        { in: 'body', field: 'entries[2].label', index: 2, code: 'request.validation' },
        {
          in: 'body',
          field: 'entries[0].iin',
          index: 0,
          code: 'monitor.reference_exists',
          id: 'stf_1',
        },
        { in: 'body', field: 'entries[1].actorId', index: 1, code: 'monitor.reference_exists' },
        { in: 'body', field: 'entries[1].iin', index: 1, code: 'core.invalid_iin' },
        { in: 'body', field: 'entries[0].actorId', index: 0, code: 'request.validation' },
        { in: 'body', field: 'entries[2].iin', index: 2, code: 'request.validation' },
        { in: 'body', field: 'entries[2].iin', index: 2, code: 'core.something_new' },
      ],
    };
    expect(refusalsOf(problem, sent)).toEqual([
      { line: 2, reason: 'personExists', code: 'monitor.reference_exists', id: 'stf_1' },
      { line: 2, reason: 'actorIdRefused', code: 'request.validation' },
      { line: 5, reason: 'actorExists', code: 'monitor.reference_exists' },
      { line: 5, reason: 'invalidIin', code: 'core.invalid_iin' },
      { line: 9, reason: 'labelRefused', code: 'request.validation' },
      { line: 9, reason: 'iinRefused', code: 'request.validation' },
      { line: 9, reason: 'other', code: 'core.something_new' },
    ]);
  });

  it('skips what is not as documented, and numbers an index it did not send', () => {
    expect(refusalsOf(undefined, sent)).toEqual([]);
    expect(refusalsOf({ errors: 'no' }, sent)).toEqual([]);
    expect(
      refusalsOf(
        { errors: [null, { index: '1', code: 'x' }, { index: 7, code: 'core.invalid_iin' }] },
        sent,
      ),
    ).toEqual([{ line: 8, reason: 'invalidIin', code: 'core.invalid_iin' }]);
  });
});
