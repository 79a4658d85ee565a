import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { createValueHasher } from '../mask.js';
import { scanFile } from '../scan-files.js';
import { breakCheckDigit, centuryDigit, makeIin } from '../test-support/identifiers.js';
import type { Finding } from '../types.js';

const dir = mkdtempSync(join(tmpdir(), 'qalqan-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** About 3 MB of text lines, some with IINs, phones and health words, some lines very long. */
function writeSample(path: string): void {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 3_000_000 && i < 100_000; i++) {
    const iin = makeIin(
      1950 + (i % 60),
      (i % 12) + 1,
      (i % 28) + 1,
      centuryDigit(1950 + (i % 60), i % 2 === 0),
      i % 9000,
    );
    const filler = 'Сәлеметсіз бе, пришлите документы, please send them. '.repeat(1 + (i % 7));
    lines.push(
      i % 17 === 0 && iin !== null
        ? `${filler}ИИН ${iin}, тел. +7 701 ${String(1000000 + i).slice(0, 3)} 45 67, диагноз J45.0`
        : i % 23 === 0 && iin !== null
          ? `${filler}${breakCheckDigit(iin)}`
          : i % 1000 === 999
            ? filler.repeat(3000) // a line longer than a window forces a hard cut
            : filler,
    );
  }
  writeFileSync(path, lines.join('\n'));
}

async function collect(path: string, workers: number, redact = false): Promise<Finding[]> {
  const findings: Finding[] = [];
  await scanFile(path, {
    ...(redact ? { redactTo: `${path}.redacted` } : {}),
    engine: createEngine(),
    hasher: createValueHasher('k'),
    inputFormat: 'text',
    sink: { finding: (f) => void findings.push(f) },
    workers,
    parallelMinBytes: 0,
  });
  return findings;
}

describe('parallel plain-text scan', () => {
  it('reports what the streaming text reader reports, in the same order, with or without workers', async () => {
    const path = join(dir, 'sample.txt');
    writeSample(path);
    // With a redacted copy requested, scanFile goes through the reader (`createTextReader`).
    const reader = await collect(path, 0, true);
    const inline = await collect(path, 0);
    const parallel = await collect(path, 2);
    expect(reader.length).toBeGreaterThan(500);
    expect(inline).toEqual(reader);
    expect(parallel).toEqual(reader);
  });
});
