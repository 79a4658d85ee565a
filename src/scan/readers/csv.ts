import { DomainError } from '../../core/errors.js';
import { fromByteString } from '../bytes.js';
import { guardKey } from '../mask.js';
import type { Reader, ReaderContext } from './unit.js';

/** A record larger than this is a broken file (an unclosed quote), not data: stop with an error. */
export const MAX_CSV_RECORD = 4 << 20;

interface Field {
  /** Decoded value (quotes removed, `""` unescaped), as a byte string. */
  value: string;
  /** Source offset of the first value byte. */
  sourceStart: number;
  /** Value offsets at which a `""` pair was unescaped (each shifts later offsets by one). */
  escapes: number[];
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * CSV and TSV (RFC 4180: quoted fields may hold delimiters, doubled quotes and newlines). The
 * reader is column-aware: each record is scanned as one unit in which every value is preceded by
 * its column's header («ИИН: 900515201238»), so a header is a context word for its whole column
 * and each finding names its column. Header text itself is scanned once, as record 1.
 *
 * @example
 * const reader = createCsvReader(ctx, ',');
 * reader.push(toByteString('name,iin\nAigerim,900515201238\n'));
 * reader.end(); // one finding: { type: 'iin', location: { row: 2, field: 'iin' } }
 */
export function createCsvReader(ctx: ReaderContext, delimiter: string): Reader {
  const delim = delimiter.charCodeAt(0);
  let header: string[] | null = null;
  let headerBytes: string[] = [];
  let row = 0;
  let offset = 0; // source offset of the next byte pushed
  let recordStart = 0;
  let recordBytes = 0;
  let fields: Field[] = [];
  let current: Field = { value: '', sourceStart: 0, escapes: [] };
  let state: 'start' | 'unquoted' | 'quoted' | 'quote' = 'start';

  function finishField(): void {
    fields.push(current);
    current = { value: '', sourceStart: 0, escapes: [] };
  }

  function finishRecord(nextStart: number): void {
    finishField();
    row++;
    if (header === null) {
      headerBytes = fields.map((f) => f.value);
      // A byte-order mark (spreadsheet exports) is not part of the first column's name, and a
      // file without a header has data there: names are guarded like JSON keys.
      header = headerBytes.map((h) =>
        guardKey(
          fromByteString(h)
            .replace(/^\uFEFF/, '')
            .trim(),
        ),
      );
      scanRecord(fields, true);
    } else if (!(fields.length === 1 && fields[0]!.value.length === 0)) {
      scanRecord(fields, false);
    }
    fields = [];
    recordStart = nextStart;
    recordBytes = 0;
  }

  function scanRecord(record: Field[], isHeader: boolean): void {
    // The unit: "header: value\n" per field; header bytes map to -1 so nothing is reported there.
    let text = '';
    const segments: { at: number; field: Field; index: number }[] = [];
    record.forEach((field, index) => {
      if (!isHeader) text += `${headerBytes[index] ?? ''}: `;
      segments.push({ at: text.length, field, index });
      text += `${field.value}\n`;
    });
    const segmentOf = (position: number) => {
      let lo = 0;
      let hi = segments.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid]!.at <= position) lo = mid;
        else hi = mid - 1;
      }
      return segments[lo]!;
    };
    const recordRow = row;
    ctx.scan(
      {
        text,
        prefixLength: 0,
        limit: text.length,
        proximity: 'unit',
        toSource(position) {
          const s = segmentOf(position);
          const inValue = position - s.at;
          if (inValue < 0 || inValue > s.field.value.length) return -1;
          let shift = 0;
          for (const e of s.field.escapes) if (e < inValue) shift++;
          return s.field.sourceStart + inValue + shift;
        },
      },
      (position) => {
        const s = segmentOf(position);
        const name = header?.[s.index];
        return {
          row: recordRow,
          field: name !== undefined && name !== '' ? name : `column ${s.index + 1}`,
        };
      },
    );
  }

  return {
    push(chunk: string): void {
      let runStart = -1; // start of a run of plain value bytes, appended in one slice
      const flushRun = (i: number) => {
        if (runStart >= 0) {
          current.value += chunk.slice(runStart, i);
          runStart = -1;
        }
      };
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        const at = offset + i;
        switch (state) {
          case 'start':
            if (c === QUOTE) {
              state = 'quoted';
              current.sourceStart = at + 1;
            } else if (c === delim) {
              current.sourceStart = at;
              finishField();
            } else if (c === LF) {
              current.sourceStart = at;
              finishRecord(at + 1);
            } else if (c === CR) {
              current.sourceStart = at;
            } else {
              state = 'unquoted';
              current.sourceStart = at;
              runStart = i;
            }
            break;
          case 'unquoted':
            if (c === delim || c === LF) {
              flushRun(i);
              if (current.value.endsWith('\r')) current.value = current.value.slice(0, -1);
              state = 'start';
              if (c === delim) finishField();
              else finishRecord(at + 1);
            } else if (runStart < 0) {
              runStart = i;
            }
            break;
          case 'quoted':
            if (c === QUOTE) {
              flushRun(i);
              state = 'quote';
            } else if (runStart < 0) {
              runStart = i;
            }
            break;
          case 'quote':
            if (c === QUOTE) {
              current.escapes.push(current.value.length);
              current.value += '"';
              state = 'quoted';
            } else if (c === delim) {
              state = 'start';
              finishField();
            } else if (c === LF) {
              state = 'start';
              finishRecord(at + 1);
            } else if (c !== CR) {
              // Lenient like most spreadsheet exports: text after a closing quote joins the value.
              state = 'unquoted';
              runStart = i;
            }
            break;
        }
      }
      flushRun(chunk.length);
      offset += chunk.length;
      recordBytes = offset - recordStart;
      if (recordBytes > MAX_CSV_RECORD) {
        throw new DomainError(
          'scan.malformed_input',
          `CSV record ${row + 1} is larger than ${MAX_CSV_RECORD >> 20} MiB (an unclosed quote?); scan the file with --input-format text`,
        );
      }
    },
    end(): void {
      if (state === 'quoted') {
        throw new DomainError(
          'scan.malformed_input',
          `CSV record ${row + 1} has an unclosed quote`,
        );
      }
      if (state !== 'start' || fields.length > 0 || current.value.length > 0) finishRecord(offset);
    },
    settled: () => recordStart,
  };
}

/** Picks the delimiter of a CSV from its first line: the most frequent of `,` `;` and tab. */
export function sniffDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![0];
}
