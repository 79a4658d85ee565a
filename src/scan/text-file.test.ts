import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from './engine.js';
import { createValueHasher } from './mask.js';
import { scanFile } from './scan-files.js';
import { breakCheckDigit, centuryDigit, makeIin } from './test-support/identifiers.js';
import type { Finding } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'qalqan-text-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * About 3 MB of text lines, some with IINs, phones and health words, some lines longer than a
 * window (so columns must count from where the line began, windows before), some longer than the
 * reader's megabyte window too (a hard cut).
 */
function writeSample(path: string): void {
  const lines: string[] = [];
  // The length is kept as lines are added: joining the whole text on every pass is quadratic.
  let length = 0;
  for (let i = 0; length < 3_000_000 && i < 100_000; i++) {
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
            : i % 1000 === 500 && iin !== null
              ? `${filler.repeat(400 + (i % 300))} ИИН ${iin}` // a finding far into a long line
              : filler,
    );
    length += lines[lines.length - 1]!.length + 1;
  }
  writeFileSync(path, lines.join('\n'));
}

async function collect(path: string, redact = false): Promise<Finding[]> {
  const findings: Finding[] = [];
  await scanFile(path, {
    ...(redact ? { redactTo: `${path}.redacted` } : {}),
    engine: createEngine(),
    hasher: createValueHasher('k'),
    inputFormat: 'text',
    sink: { finding: (f) => void findings.push(f) },
  });
  return findings;
}

describe('plain-text file scan', () => {
  it('reports what the streaming text reader reports, in the same order', async () => {
    const path = join(dir, 'sample.txt');
    writeSample(path);
    // With a redacted copy requested, scanFile goes through the reader (`createTextReader`).
    const reader = await collect(path, true);
    const direct = await collect(path);
    expect(reader.length).toBeGreaterThan(500);
    expect(direct).toEqual(reader);
  });

  it('counts columns from the start of a line that began windows before', async () => {
    const path = join(dir, 'long-line.txt');
    const prefix = `первая строка
${'Сәлем, әлем! '.repeat(20_000)}`;
    writeFileSync(
      path,
      `${prefix}ИИН 900515201238
`,
    );
    const [finding] = await collect(path);
    const lastLine = prefix.slice(prefix.lastIndexOf('\n') + 1);
    expect(finding?.location.line).toBe(2);
    expect(finding?.location.column).toBe([...lastLine].length + 5);
  });
});
