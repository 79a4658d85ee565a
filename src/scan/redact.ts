/**
 * Writes the redacted copy of a file while it is being scanned: source bytes pass through, masked
 * spans are replaced. Bytes are held only until the reader says no edit can still reach them
 * (`flush(settled)`), so memory stays flat. Edits arrive in source order within a unit but units
 * may interleave slightly (a Telegram key and its value), so pending edits are kept sorted.
 */
export class RedactingWriter {
  /** Source bytes from `pendingStart` not yet written, as a byte string. */
  private pending = '';
  private pendingStart = 0;
  private edits: { start: number; end: number; bytes: string }[] = [];

  /** `output` receives the redacted bytes in order (e.g. a `writeSync` to the copy's file). */
  constructor(private readonly output: (bytes: Uint8Array) => void) {}

  /** Appends the next source bytes (the same chunks the reader gets). */
  append(chunk: string): void {
    this.pending += chunk;
  }

  edit(start: number, end: number, bytes: string): void {
    if (start < this.pendingStart || end < start) return; // already written: cannot happen for a well-behaved reader
    const at = this.edits.findIndex((e) => e.start > start);
    if (at === -1) this.edits.push({ start, end, bytes });
    else this.edits.splice(at, 0, { start, end, bytes });
  }

  /** Writes out every byte before `upTo` with its edits applied. */
  flush(upTo: number): void {
    let cut = Math.min(upTo, this.pendingStart + this.pending.length);
    // Never split an edit: stop before one that straddles the cut.
    for (const e of this.edits) if (e.start < cut && e.end > cut) cut = e.start;
    if (cut <= this.pendingStart) return;
    let out = '';
    let at = this.pendingStart;
    while (this.edits.length > 0 && this.edits[0]!.start < cut) {
      const e = this.edits.shift()!;
      if (e.start < at) continue; // overlapping edit: the first one wins
      out += this.pending.slice(at - this.pendingStart, e.start - this.pendingStart) + e.bytes;
      at = e.end;
    }
    out += this.pending.slice(at - this.pendingStart, cut - this.pendingStart);
    this.pending = this.pending.slice(cut - this.pendingStart);
    this.pendingStart = cut;
    if (out.length > 0) this.output(Buffer.from(out, 'latin1'));
  }

  /** Writes everything that is left. */
  finish(): void {
    this.flush(Number.MAX_SAFE_INTEGER);
  }
}
