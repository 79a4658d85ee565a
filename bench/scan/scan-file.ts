/**
 * Child process of the benchmark: scans one file with every detector, as `qalqan scan` does, and
 * prints bytes, time and peak memory as JSON. A fresh process per file makes the peak RSS of each
 * input size comparable.
 */
import { createEngine } from '../../src/scan/engine.js';
import { createValueHasher } from '../../src/scan/mask.js';
import { scanFile } from '../../src/scan/scan-files.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: scan-file.ts <file>');
let findings = 0;
const started = performance.now();
const result = await scanFile(path, {
  engine: createEngine(),
  hasher: createValueHasher('bench'),
  inputFormat: 'text',
  sink: {
    finding() {
      findings++;
    },
  },
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({
    bytes: result.bytes,
    seconds,
    findings,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
