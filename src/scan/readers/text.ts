import type { Reader, ReaderContext, Unit } from './unit.js';
import { DEFAULT_WINDOW, TextWindows, type WindowOptions } from './unit.js';

/**
 * Tracks line numbers over a stream of windows. Windows overlap, so the counter remembers the
 * source offset it has counted up to and only counts forward from there.
 */
export class LineCounter {
  private countedTo = 0;
  private line = 1;
  private lineStart = 0;

  /** 1-based line and column (in code points) of `offset` in `text`, which starts at `base`. */
  locate(text: string, base: number, offset: number): { line: number; column: number } {
    const target = base + offset;
    if (target < this.countedTo) return this.recount(text, base, offset);
    let i = text.indexOf('\n', this.countedTo - base);
    while (i !== -1 && base + i < target) {
      this.line++;
      this.lineStart = base + i + 1;
      i = text.indexOf('\n', i + 1);
    }
    this.countedTo = target;
    return {
      line: this.line,
      column: codePoints(text, Math.max(0, this.lineStart - base), offset) + 1,
    };
  }

  /** Moves the counter over the whole of a scanned region (no finding in it). */
  advance(text: string, base: number, to: number): void {
    if (base + to <= this.countedTo) return;
    let i = text.indexOf('\n', Math.max(0, this.countedTo - base));
    while (i !== -1 && i < to) {
      this.line++;
      this.lineStart = base + i + 1;
      i = text.indexOf('\n', i + 1);
    }
    this.countedTo = base + to;
  }

  private recount(text: string, base: number, offset: number): { line: number; column: number } {
    // A finding behind the counter (overlap region): walk back within the text.
    let line = this.line;
    let i = text.lastIndexOf('\n', this.countedTo - base - 1);
    while (i !== -1 && base + i >= base + offset) {
      line--;
      i = text.lastIndexOf('\n', i - 1);
    }
    return { line, column: codePoints(text, i + 1, offset) + 1 };
  }
}

/** Code points in the UTF-8 bytes `text[from, to)`: continuation bytes do not start one. */
export function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((text.charCodeAt(i) & 0xc0) !== 0x80) n++;
  return n;
}

/** Plain text: windows of about a megabyte, findings located by line and column. */
export function createTextReader(
  ctx: ReaderContext,
  options: WindowOptions = DEFAULT_WINDOW,
): Reader {
  const lines = new LineCounter();
  const windows = new TextWindows(
    (unit: Unit, base: number) => {
      ctx.scan(unit, (offset) => lines.locate(unit.text, base, offset));
      lines.advance(unit.text, base, unit.limit);
    },
    0,
    options,
  );
  return {
    push: (chunk) => windows.push(chunk),
    end: () => windows.end(),
    settled: () => windows.settled(),
  };
}
