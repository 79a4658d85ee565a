#!/usr/bin/env node
/**
 * Copies what `tsc` does not emit into the build: the monitoring centre's YAML rule pack
 * (src/monitor/rules/*.yaml → dist/monitor/rules/), read at run time beside the compiled code.
 *
 *   node scripts/copy-assets.mjs [--out DIR]   (default dist/)
 *
 * Prints each file copied; exits 1 when the pack is missing or empty, so a broken build fails.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, 'dist'));

const ASSETS = [{ from: 'src/monitor/rules', to: 'monitor/rules', pattern: /\.ya?ml$/ }];

for (const asset of ASSETS) {
  const source = path.join(root, asset.from);
  const names = readdirSync(source)
    .filter((name) => asset.pattern.test(name))
    .sort();
  if (names.length === 0) {
    process.stderr.write(`copy-assets: no files in ${asset.from}\n`);
    process.exit(1);
  }
  const target = path.join(out, asset.to);
  mkdirSync(target, { recursive: true });
  for (const name of names) {
    copyFileSync(path.join(source, name), path.join(target, name));
    process.stdout.write(`${path.posix.join(asset.to, name)}\n`);
  }
}
