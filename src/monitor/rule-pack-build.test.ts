/**
 * The built server reads the rule pack beside its compiled code (dist/monitor/rules/), which
 * `tsc` does not emit: `npm run build` runs scripts/copy-assets.mjs after tsc. This runs that
 * step into a temporary folder and loads the pack from there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, readRuleSources } from './rule-files.js';
import { loadRules } from './rule-loader.js';

const root = path.resolve(import.meta.dirname, '../..');
const out = mkdtempSync(path.join(tmpdir(), 'qalqan-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('the build copies every rule file beside the compiled code, and the copied pack loads whole', async () => {
  const build = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(build.scripts.build).toMatch(
    /tsc -p tsconfig\.build\.json( --noCheck)? && node scripts\/copy-assets\.mjs/,
  );

  const printed = execFileSync(
    process.execPath,
    [path.join(root, 'scripts/copy-assets.mjs'), '--out', out],
    {
      encoding: 'utf8',
    },
  );
  const shipped = readdirSync(DEFAULT_RULES_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  expect(shipped.length).toBeGreaterThanOrEqual(19);
  expect(printed.trim().split('\n')).toEqual(shipped.map((name) => `monitor/rules/${name}`));

  const copied = loadRules(await readRuleSources(path.join(out, 'monitor/rules')));
  const source = loadRules(await readRuleSources());
  expect(copied.problems).toEqual([]);
  expect(copied.rules.map((rule) => rule.id)).toEqual(source.rules.map((rule) => rule.id));
});
