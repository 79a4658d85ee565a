/**
 * The build emits with `tsc --noCheck` because its first step, `npm run typecheck`, has just
 * checked every file the emit compiles (docs/TESTING.md). That holds only while the build's
 * tsconfig takes in nothing the checked one leaves out, and while the check runs first: either
 * drifting would ship JavaScript no compiler checked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

function filesOf(configFile: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, configFile), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`${configFile} could not be read`);
  expect(parsed.errors, `${configFile} parses`).toEqual([]);
  return parsed.fileNames.map((file) => path.relative(ROOT, file));
}

const scripts = (): Record<string, string> =>
  (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

describe('the build emits only what the type check has checked', () => {
  it('every file tsconfig.build.json compiles is one tsconfig.json checks', () => {
    const checked = new Set(filesOf('tsconfig.json'));
    const emitted = filesOf('tsconfig.build.json');
    expect(emitted.length, 'the build compiles the server').toBeGreaterThan(50);
    expect(emitted).toContain(path.join('src', 'server.ts'));
    expect(emitted.filter((file) => !checked.has(file))).toEqual([]);
  });

  it('the build runs the type check before an emit that skips it', () => {
    const { build, typecheck } = scripts();
    const steps = build!.split('&&').map((step) => step.trim());
    const check = steps.indexOf('npm run typecheck');
    const emit = steps.findIndex((step) => step.startsWith('tsc -p tsconfig.build.json'));
    expect(check, 'npm run build starts with the type check').toBe(0);
    expect(emit).toBeGreaterThan(check);
    expect(typecheck).toMatch(/^tsc -p tsconfig\.json --noEmit(?: &&|$)/);
  });
});
