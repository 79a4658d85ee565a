/**
 * Test files share their worker's module cache (`isolate: false` in vitest.config.ts,
 * docs/TESTING.md), so what one file changes in the process the next one sees. Each way a file
 * can change it must be undone or kept to that file:
 * - a module mock applies only to modules loaded after it, so the file loads afresh what uses the
 *   mocked module (`vi.resetModules()`, then `await import(...)`), and when it ends drops the mock
 *   and what was loaded under it (`vi.doUnmock`, `vi.resetModules()`), or the next file in the
 *   worker gets the mocked module;
 * - a stubbed global, a stubbed variable and fake timers are put back in the same file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

/** What a file must also say when it says the first: the undoing, or the fresh load. */
const UNDONE_BY: readonly (readonly [RegExp, RegExp, string])[] = [
  [/\bvi\.(?:mock|doMock)\(/, /\bvi\.resetModules\(\)/, 'loads afresh after its module mock'],
  [/\bvi\.(?:mock|doMock)\(/, /\bvi\.doUnmock\(/, 'drops its module mock for the next file'],
  [/\bvi\.stubGlobal\(/, /\bvi\.unstubAllGlobals\(\)/, 'puts stubbed globals back'],
  [/\bvi\.stubEnv\(/, /\bvi\.unstubAllEnvs\(\)/, 'puts stubbed variables back'],
  [/\bvi\.useFakeTimers\(/, /\bvi\.useRealTimers\(\)/, 'puts the real timers back'],
];

/** The ways `source` changes the shared process without undoing them. */
export function leftChanged(source: string): string[] {
  return UNDONE_BY.filter(([does, undoes]) => does.test(source) && !undoes.test(source)).map(
    ([, , what]) => what,
  );
}

describe('test files that share a module cache leave it as they found it', () => {
  it('the run shares modules between the files of a worker', () => {
    expect(config.test?.isolate).toBe(false);
  });

  it('each file that mocks, stubs or fakes also undoes it', () => {
    const files = execFileSync('git', ['ls-files', '*.test.ts', '*.test.tsx'], { encoding: 'utf8' })
      .split('\n')
      // This file names the calls in its examples without making them.
      .filter((file) => file !== '' && file !== 'test/architecture/shared-modules.test.ts');
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
      leftChanged(readFileSync(file, 'utf8')).map((what) => `${file}: never ${what}`),
    );
    expect(offenders).toEqual([]);
  });

  it('sees a file that does not (the check can fail)', () => {
    expect(leftChanged("vi.mock('node:crypto');\nconst ids = await import('./ids.js');")).toEqual([
      'loads afresh after its module mock',
      'drops its module mock for the next file',
    ]);
    expect(leftChanged("vi.mock('x');\nvi.resetModules();\nawait import('./y.js');")).toEqual([
      'drops its module mock for the next file',
    ]);
    expect(
      leftChanged("vi.mock('x');\nvi.resetModules();\nawait import('./y.js');\nvi.doUnmock('x');"),
    ).toEqual([]);
    expect(leftChanged("vi.stubGlobal('Intl', {});")).toEqual(['puts stubbed globals back']);
    expect(leftChanged('vi.useFakeTimers();')).toEqual(['puts the real timers back']);
  });
});
