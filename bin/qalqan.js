#!/usr/bin/env node
// The installed `qalqan` command: runs the compiled CLI (`npm run build` writes dist/).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('qalqan: the CLI is not built yet; run `npm run build` first\n');
  process.exit(2);
}
await import(entry.href);
