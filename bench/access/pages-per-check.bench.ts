/**
 * Which pages a check alone writes (`npx tsx bench/access/pages-per-check.bench.ts`): the composed
 * server on SQLite with the demo world, the access bench's check sent through `app.inject` one at
 * a time with a gap between checks (so each is its own ledger commit and its own consumer rounds),
 * the WAL's frame headers read after each check, and their page numbers named at the end with
 * SQLite's `dbstat` table: pages written per check, by B-tree (table or index).
 *
 *   npx tsx bench/access/pages-per-check.bench.ts               # 100 checks, 60 ms apart
 *   npx tsx bench/access/pages-per-check.bench.ts --checks 200 --gap 100
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { startDemoChecks } from './demo-checks.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number ≥ 1`);
  return value;
};
const checks = option('--checks', 100);
const gapMs = option('--gap', 60);

const demo = await startDemoChecks('pages');
const check = demo.check;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every subject registered once first, then the consumers caught up.
for (let i = 0; i < 500; i++) await check();
await pause(500);

const databaseFile = path.join(demo.dataDir, 'qalqan.db');
const walFile = `${databaseFile}-wal`;
/** Where the frames read so far end, and the WAL's salt then (a checkpoint that restarts the WAL changes it). */
let walOffset = 32;
let walSalt = '';

/** Page numbers of the frames appended to the WAL since the last call. */
function newFrames(): number[] {
  const fd = openSync(walFile, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 32) return [];
    const header = Buffer.alloc(32);
    readSync(fd, header, 0, 32, 0);
    const pageSize = header.readUInt32BE(8);
    const salt = header.subarray(16, 24).toString('hex');
    if (salt !== walSalt) {
      walSalt = salt;
      walOffset = 32;
    }
    const pages: number[] = [];
    const frame = Buffer.alloc(24);
    while (walOffset + 24 + pageSize <= size) {
      readSync(fd, frame, 0, 24, walOffset);
      // A frame of an earlier generation of the WAL (not yet overwritten) ends the new ones.
      if (frame.subarray(8, 16).toString('hex') !== salt) break;
      pages.push(frame.readUInt32BE(0));
      walOffset += 24 + pageSize;
    }
    return pages;
  } finally {
    closeSync(fd);
  }
}

newFrames();
const written = new Map<number, number>();
for (let i = 0; i < checks; i++) {
  await check();
  await pause(gapMs);
  for (const page of newFrames()) written.set(page, (written.get(page) ?? 0) + 1);
}
await demo.stop();

const db = new Database(databaseFile, { readonly: true });
const owner = new Map(
  db
    .prepare('SELECT name, pageno FROM dbstat')
    .all()
    .map((row) => {
      const { name, pageno } = row as { name: string; pageno: number };
      return [pageno, name] as const;
    }),
);
db.close();
const byTree = new Map<string, number>();
let total = 0;
for (const [page, count] of written) {
  const name = page === 1 ? 'page 1 (the database header)' : (owner.get(page) ?? `page ${page}`);
  byTree.set(name, (byTree.get(name) ?? 0) + count);
  total += count;
}
console.log(`${checks} checks, ${gapMs} ms apart; Node ${process.version}; SQLite`);
console.log('| B-tree (table or index) | pages written per check |');
console.log('| --- | ---: |');
for (const [name, count] of [...byTree].sort((a, b) => b[1] - a[1]))
  console.log(`| \`${name}\` | ${(count / checks).toFixed(2)} |`);
console.log(`| **all** | **${(total / checks).toFixed(1)}** |`);
await demo.close();
