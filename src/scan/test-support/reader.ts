import { toByteString } from '../bytes.js';
import { createEngine, type DetectOptions } from '../engine.js';
import { createValueHasher } from '../mask.js';
import { createScanContext, type FindingMeta } from '../pipeline.js';
import type { Reader, ReaderContext } from '../readers/unit.js';
import { RedactingWriter } from '../redact.js';
import type { Finding } from '../types.js';

export interface ReadResult {
  readonly findings: Finding[];
  readonly metas: FindingMeta[];
  /** The redacted copy (UTF-8 decoded). */
  readonly redacted: string;
}

/**
 * Feeds `text` to a reader in pieces of the given sizes (cycled), collecting findings and the
 * redacted copy, as `scanFile` does with file chunks (tests only).
 */
export function readAll(
  make: (ctx: ReaderContext) => Reader,
  text: string,
  options: DetectOptions & { pieces?: readonly number[] } = {},
): ReadResult {
  const bytes = toByteString(text);
  const findings: Finding[] = [];
  const metas: FindingMeta[] = [];
  const chunks: Buffer[] = [];
  const writer = new RedactingWriter((b) => chunks.push(Buffer.from(b)));
  const ctx = createScanContext({
    engine: createEngine(options),
    hasher: createValueHasher('test-key'),
    source: 'input',
    sink: {
      finding(f, meta) {
        findings.push(f);
        metas.push(meta);
      },
    },
    redact: (s, e, b) => writer.edit(s, e, b),
  });
  const reader = make(ctx);
  const pieces = options.pieces ?? [bytes.length || 1];
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = Math.max(1, pieces[k % pieces.length]!);
    const piece = bytes.slice(at, at + size);
    writer.append(piece);
    reader.push(piece);
    writer.flush(reader.settled());
    at += size;
  }
  reader.end();
  writer.finish();
  return { findings, metas, redacted: Buffer.concat(chunks).toString('utf8') };
}
