// Fails the build when the JavaScript a first visit loads is above the budget (gzip-compressed).
// The first load is the entry chunk and everything it imports statically, as Vite's manifest
// records; lazily loaded pages (dynamic imports) are not part of it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 250 * 1024;
const dist = path.resolve(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));

const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) visit(next);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

let total = 0;
const lines = [];
for (const key of seen) {
  const file = manifest[key].file;
  if (!file.endsWith('.js')) continue;
  const size = gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  total += size;
  lines.push(`  ${file} ${(size / 1024).toFixed(1)} KB`);
}
const verdict = `first-load JavaScript: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB)`;
if (total > BUDGET) {
  console.error(`${verdict} — over budget\n${lines.join('\n')}`);
  process.exit(1);
}
console.log(verdict);
