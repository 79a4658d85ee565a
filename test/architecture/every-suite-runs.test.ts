/**
 * docs/TESTING.md: "`npm test` runs every suite". Vitest runs only the files its `include` globs
 * match (`vitest.config.ts`), so a test file outside them — a `.test.tsx` in the web app, a test
 * in packages/client or bench — would never run and never fail. Every tracked test file must be
 * matched.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

/** A Vitest include glob of the simple kind the config uses (`dir/**\/*.test.ts`) as a RegExp. */
function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (glob.startsWith('**/', i)) {
      pattern += '(?:.*/)?';
      i += 2;
    } else if (ch === '*') pattern += '[^/]*';
    else if (ch === '?') pattern += '[^/]';
    else if (/[{}[\]()]/.test(ch)) throw new Error(`unsupported glob syntax in ${glob}`);
    else pattern += ch.replace(/[.+^$|\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

const include = (config.test?.include ?? []).map(globToRegExp);
const included = (file: string) => include.some((pattern) => pattern.test(file));

describe('npm test runs every test file', () => {
  it('each tracked *.test.* file is matched by vitest.config.ts include', () => {
    const tracked = execFileSync('git', ['ls-files', '*.test.*'], { encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.test\.[cm]?[jt]sx?$/.test(file));
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked.filter((file) => !included(file))).toEqual([]);
  });

  it('files outside the globs are seen as such (the check can fail)', () => {
    expect(included('src/core/ids.test.ts')).toBe(true);
    expect(included('web/src/features/soc/iin.test.ts')).toBe(true);
    expect(included('web/src/pages/home.test.tsx')).toBe(false);
    expect(included('packages/client/src/client.test.ts')).toBe(false);
  });
});
