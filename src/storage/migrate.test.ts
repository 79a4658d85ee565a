import { describe, expect, it } from 'vitest';
import { isConcurrentSchemaDrop } from './migrate.js';

describe('migrations: which failures are asked again', () => {
  it('retries the catalogue scan a concurrent schema drop broke, and nothing else', () => {
    // What pg raises when another process drops a schema, or a table of it, under Kysely's scan.
    expect(isConcurrentSchemaDrop(Object.assign(new Error('schema gone'), { code: '3F000' }))).toBe(
      true,
    );
    expect(
      isConcurrentSchemaDrop(
        Object.assign(new Error('relation "t_x.operators" does not exist'), { code: '42P01' }),
      ),
    ).toBe(true);
    // A migration's own failure (a duplicate table, a syntax error) or no code at all: thrown.
    expect(isConcurrentSchemaDrop(Object.assign(new Error('exists'), { code: '42P07' }))).toBe(
      false,
    );
    expect(isConcurrentSchemaDrop(new Error('SQLITE_ERROR'))).toBe(false);
    expect(isConcurrentSchemaDrop(undefined)).toBe(false);
  });
});
