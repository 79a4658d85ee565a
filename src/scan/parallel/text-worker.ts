/**
 * Worker thread of the parallel plain-text scan: runs the detectors over windows it is sent and
 * answers candidate spans with their line and column. It sees the bytes but builds no finding:
 * masking, hashing and reporting stay on the main thread, which holds the key.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine.js';
import { codePoints } from '../readers/text.js';
import type { PiiType } from '../types.js';
import type { WindowJob, WindowResult } from './protocol.js';

const { types, minScore } = workerData as { types: PiiType[]; minScore: number };
const engine = createEngine({ types, minScore });
const port = parentPort;
if (port === null) throw new Error('text-worker must run in a worker thread');

port.on('message', (job: WindowJob) => {
  const text = Buffer.from(job.buffer, 0, job.length).toString('latin1');
  const candidates: WindowResult['candidates'][number][] = [];
  let newlines = 0;
  let lineStart = text.lastIndexOf('\n', job.prefixLength - 1) + 1;
  let counted = job.prefixLength;
  for (const c of engine.detect(text, job.prefixLength)) {
    if (c.start >= job.limit) break;
    for (
      let i = text.indexOf('\n', counted);
      i !== -1 && i < c.start;
      i = text.indexOf('\n', i + 1)
    ) {
      newlines++;
      lineStart = i + 1;
    }
    counted = c.start;
    candidates.push({
      type: c.type,
      start: c.start,
      end: c.end,
      score: c.score,
      validated: c.validated,
      ...(c.subtype !== undefined ? { subtype: c.subtype } : {}),
      newlinesBefore: newlines,
      column: codePoints(text, lineStart, c.start) + 1,
    });
  }
  for (
    let i = text.indexOf('\n', counted);
    i !== -1 && i < job.limit;
    i = text.indexOf('\n', i + 1)
  )
    newlines++;
  const result: WindowResult = { id: job.id, buffer: job.buffer, candidates, newlines };
  port.postMessage(result, [job.buffer]);
});
