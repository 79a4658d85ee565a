import { fromByteString } from '../bytes.js';
import { guardKey } from '../mask.js';
import { LineCounter } from './text.js';
import type { Reader, ReaderContext, Unit } from './unit.js';
import { DEFAULT_WINDOW, TextWindows, type WindowOptions } from './unit.js';

/**
 * The header of a WhatsApp `.txt` export line, as a byte-string pattern (DOMAIN.md §2):
 * Android `DD.MM.YYYY, HH:MM - Author: text`, iOS `[DD.MM.YYYY, HH:MM:SS] Author: text` (often
 * after U+200E, bytes E2 80 8E). Date order and separators follow the phone's locale (`.`, `/`,
 * `-`; two- or four-digit years); 12-hour times put a space, U+202F (E2 80 AF) or NBSP before
 * AM/PM. Group 1 is the date and time as written; the rest of the line follows the match.
 */
export const WHATSAPP_HEADER =
  /^(?:\xE2\x80\x8E)?(?:\[((?:\d{1,4}[./-]){2}\d{1,4},? \d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:(?: |\xE2\x80\xAF|\xC2\xA0)?[AaPp]\.? ?[Mm]\.?)?)\] |((?:\d{1,4}[./-]){2}\d{1,4},? \d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:(?: |\xE2\x80\xAF|\xC2\xA0)?[AaPp]\.? ?[Mm]\.?)?) [-\xE2\x80\x93]+ )/;

/** Whether a line (byte string) starts a WhatsApp message. */
export function isWhatsAppHeader(line: string): boolean {
  return WHATSAPP_HEADER.test(line);
}

/**
 * WhatsApp chat exports: a line that starts with a timestamp begins a message; any other line
 * continues the previous one. Each message is one unit (worst cases are judged per message);
 * findings carry the line, the date and time as written, and the author. Attachment placeholders
 * («<Медиа файлы удалены>», «‎image omitted») are ordinary text. A message longer than a window
 * (a pasted dump) is scanned in overlapping windows like plain text.
 *
 * @example
 * const reader = createWhatsAppReader(ctx);
 * reader.push(toByteString('12.03.2024, 10:15 - Айгерим: ИИН 900515201238\n'));
 * reader.end(); // finding { line: 1, date: '12.03.2024, 10:15', author: 'Айгерим' }
 */
export function createWhatsAppReader(
  ctx: ReaderContext,
  options: WindowOptions = DEFAULT_WINDOW,
): Reader {
  let partial = '';
  let offset = 0; // source offset of partial[0]
  let lineNo = 0;
  /** True while the current line was longer than a window and is being fed on in pieces. */
  let midLine = false;
  let message: TextWindows | null = null;

  function openMessage(firstLine: number, date: string, author: string | undefined, base: number) {
    message?.end();
    const lines = new LineCounter();
    message = new TextWindows(
      (unit: Unit, windowBase: number) => {
        ctx.scan({ ...unit, proximity: 'unit' }, (o) => ({
          line: firstLine + lines.locate(unit.text, windowBase, o).line - 1,
          ...(date !== '' ? { date } : {}),
          ...(author !== undefined ? { author } : {}),
        }));
        lines.advance(unit.text, windowBase, unit.limit);
      },
      base,
      options,
    );
    return message;
  }

  function takeLine(line: string, lineStart: number): void {
    if (midLine) {
      message?.push(line);
      return;
    }
    lineNo++;
    if (lineNo === 1 && line.startsWith('\xEF\xBB\xBF')) {
      // A byte-order mark before the first header (exports saved by Windows editors).
      line = line.slice(3);
      lineStart += 3;
    }
    const m = WHATSAPP_HEADER.exec(line);
    if (m === null) {
      // A continuation, or text before the first header (a truncated export).
      (message ?? openMessage(lineNo, '', undefined, lineStart)).push(line);
      return;
    }
    const date = fromByteString(m[1] ?? m[2] ?? '');
    const textStart = m[0].length;
    let author: string | undefined;
    const colon = line.indexOf(': ', textStart);
    // System lines («Messages and calls are end-to-end encrypted») have no «Author: ».
    if (colon > textStart && colon - textStart <= 120) {
      // Unknown contacts appear as phone numbers: guarded like any name shown as a location.
      author = guardKey(fromByteString(line.slice(textStart, colon)).replace(/^\u200e/, ''));
    }
    // «Author: text» is scanned, not the text alone: an author named by phone number is a value
    // in the file, found and masked in the redacted copy like any other.
    openMessage(lineNo, date, author, lineStart + textStart).push(line.slice(textStart));
  }

  return {
    push(chunk: string): void {
      const text = partial + chunk;
      let at = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', at)) {
        takeLine(text.slice(at, nl), offset + at);
        message?.push('\n');
        midLine = false;
        at = nl + 1;
      }
      partial = text.slice(at);
      offset += at;
      if (partial.length > options.window) {
        takeLine(partial, offset);
        midLine = true;
        offset += partial.length;
        partial = '';
      }
    },
    end(): void {
      if (partial.length > 0) takeLine(partial, offset);
      partial = '';
      message?.end();
      message = null;
    },
    settled: () => (message === null ? offset : Math.min(message.settled(), offset)),
  };
}
