import type { MigrationResultSet } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isCatalogueScanRace } from './migrate.js';

const failed = (code: string | undefined, message = 'failed'): Error =>
  Object.assign(new Error(message), code ? { code } : {});

describe('migrations: which failures are asked again', () => {
  it('retries the catalogue scan another process’s schema change broke, and nothing else', () => {
    // What pg raises when another process drops a schema, a table or a column of it under
    // Kysely's scan, before any migration of ours ran.
    const scanRaces: MigrationResultSet[] = [
      { error: failed('3F000', 'schema gone') },
      { error: failed('42P01', 'relation "t_x.operators" does not exist') },
      {
        error: failed('42703', 'column "actor_id" of relation "monitor_responses" does not exist'),
      },
      { error: failed('42703'), results: [] },
    ];
    for (const outcome of scanRaces) expect(isCatalogueScanRace(outcome)).toBe(true);
    // A migration's own failure (a duplicate table, a syntax error, or even an undefined column
    // its own SQL names), no code at all, or no failure: reported as it is.
    const reported: MigrationResultSet[] = [
      { error: failed('42P07', 'exists') },
      {
        error: failed('42703', 'column "x" does not exist'),
        results: [{ migrationName: '0042_x', direction: 'Up', status: 'Error' }],
      },
      { error: failed(undefined, 'SQLITE_ERROR') },
      { results: [] },
    ];
    for (const outcome of reported) expect(isCatalogueScanRace(outcome)).toBe(false);
  });
});
