/**
 * The disk's own fsync latency (`npx tsx bench/access/fsync-latency.bench.ts`): appends 16 KiB to
 * a file in the OS temporary folder (where the access bench keeps its data dir) and `fdatasync`s
 * it, one at a time with a millisecond between, as the ledger's commits do at a moderate rate,
 * and prints the percentiles of the `fdatasync` alone. It tells the disk's share of a check's
 * latency apart from the event loop's: `qalqan_ledger_commit_seconds` also counts the wait for
 * the fsync's callback, which a busy loop lengthens.
 *
 *   npx tsx bench/access/fsync-latency.bench.ts            # 2,000 syncs
 *   npx tsx bench/access/fsync-latency.bench.ts --syncs 10000
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--syncs');
const syncs = at >= 0 ? Number(args[at + 1]) : 2000;
if (!Number.isInteger(syncs) || syncs < 100) throw new Error('--syncs takes a whole number ≥ 100');

const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-bench-fsync-'));
const times: number[] = [];
try {
  const fd = openSync(path.join(dir, 'log'), 'w');
  const page = Buffer.alloc(16 * 1024, 7);
  for (let i = 0; i < syncs; i++) {
    writeSync(fd, page);
    const started = performance.now();
    fdatasyncSync(fd);
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  closeSync(fd);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const quantile = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(2);
console.log(
  `fdatasync after a 16 KiB append, ${syncs} times: p50 ${quantile(0.5)} ms, p90 ${quantile(0.9)} ms, ` +
    `p99 ${quantile(0.99)} ms, max ${quantile(1)} ms`,
);
