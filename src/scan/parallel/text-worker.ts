/**
 * Worker thread of the parallel plain-text scan: runs the detectors over windows it is sent and
 * answers candidate spans with their line and column. It sees the bytes but builds no finding:
 * masking, hashing and reporting stay on the main thread, which holds the key.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine.js';
import type { PiiType } from '../types.js';
import type { WindowJob, WindowResult } from './protocol.js';
import { scanWindow } from './window.js';

const { types, minScore } = workerData as { types: PiiType[]; minScore: number };
const engine = createEngine({ types, minScore });
const port = parentPort;
if (port === null) throw new Error('text-worker must run in a worker thread');

port.on('message', (job: WindowJob) => {
  const bytes = Buffer.from(job.buffer, 0, job.length);
  const scan = scanWindow(engine, bytes.toString('latin1'), job.prefixLength, job.limit, bytes);
  const result: WindowResult = { id: job.id, buffer: job.buffer, ...scan };
  port.postMessage(result, [job.buffer]);
});
