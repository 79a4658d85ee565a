/** Reads rule files from a folder (the shipped pack, or a deployment's own), sorted by name. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { RuleSource } from './rule-loader.js';

/** The default pack shipped with the code (`src/monitor/rules/*.yaml`). */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

export async function readRuleSources(dir: string = DEFAULT_RULES_DIR): Promise<RuleSource[]> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return Promise.all(
    names.map(async (name) => ({
      file: join(dir, name),
      text: await readFile(join(dir, name), 'utf8'),
    })),
  );
}
