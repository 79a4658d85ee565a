import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameToken, sessionEnd } from './sessions.js';
import { safeReturnPath } from './sign-in.js';

const timeouts = { idleSeconds: 60, absoluteSeconds: 3600 };
const row = (
  over: Partial<{ revoked_at: string | null; last_seen_at: string; expires_at: string }>,
) => ({
  revoked_at: null,
  last_seen_at: '2026-11-25T10:00:00.000Z',
  expires_at: '2026-11-25T11:00:00.000Z',
  ...over,
});

describe('sessionEnd', () => {
  it('holds while used within the idle time and before the absolute end', () => {
    expect(sessionEnd(row({}), new Date('2026-11-25T10:00:59.999Z'), timeouts)).toBeNull();
  });
  it('ends after the idle time, at the absolute end, and when revoked (revocation first)', () => {
    expect(sessionEnd(row({}), new Date('2026-11-25T10:01:00.000Z'), timeouts)).toBe('idle');
    expect(
      sessionEnd(
        row({ last_seen_at: '2026-11-25T10:59:30.000Z' }),
        new Date('2026-11-25T11:00:00.000Z'),
        timeouts,
      ),
    ).toBe('expired');
    expect(
      sessionEnd(
        row({ revoked_at: '2026-11-25T10:00:01.000Z' }),
        new Date('2026-11-25T12:00:00.000Z'),
        timeouts,
      ),
    ).toBe('revoked');
  });
  it('never holds at or after the absolute end, however recent the use (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 59_000 }),
        (after, idle) => {
          const now = new Date(Date.parse('2026-11-25T11:00:00.000Z') + after);
          const seen = new Date(now.getTime() - idle).toISOString();
          expect(sessionEnd(row({ last_seen_at: seen }), now, timeouts)).not.toBeNull();
        },
      ),
    );
  });
});

describe('safeReturnPath', () => {
  it('keeps same-origin paths and replaces anything that could leave the site', () => {
    expect(safeReturnPath('/me/consents?x=1')).toBe('/me/consents?x=1');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil',
      'me',
      '',
      42,
      undefined,
    ])
      expect(safeReturnPath(bad)).toBe('/me');
  });
  it('never returns a value that a browser would resolve to another origin (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (value) => {
        const path = safeReturnPath(value);
        expect(new URL(path, 'https://qalqan.kz').origin).toBe('https://qalqan.kz');
      }),
    );
  });
});

describe('sameToken', () => {
  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
  });
});
