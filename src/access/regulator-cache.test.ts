/**
 * The regimes and the adequacy list are read on every check from a cache: checks that find it
 * stale while it reloads share that one read, and a read that failed is not kept.
 */
import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../storage/test-support/storages.js';
import {
  type AccessHarness,
  accessHarness,
  asSystem,
  iinBornOn,
  profile,
} from './test-support/access-app.js';

/** Whether a query reads `table` (its operation tree names it). */
const reads = (node: RootOperationNode, table: string) =>
  node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes(`"${table}"`);

describeStorage('access: the regulator data cache', (fx) => {
  let h: AccessHarness;
  const counts = { access_regimes: 0, access_adequacy: 0 };
  let failNextRegimes = false;
  /** Reads of the two tables, answered 20 ms late: a slow database, on either engine. */
  const slow = new WeakSet<object>();
  const counting: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      for (const table of ['access_regimes', 'access_adequacy'] as const)
        if (reads(node, table)) {
          counts[table]++;
          slow.add(queryId);
          if (table === 'access_regimes' && failNextRegimes) {
            failNextRegimes = false;
            throw new Error('the database went away');
          }
        }
      return node;
    },
    async transformResult({ result, queryId }) {
      if (slow.has(queryId)) await new Promise((resolve) => setTimeout(resolve, 20));
      return result;
    },
  };
  const lender = 'sys_lender';

  beforeAll(async () => {
    // A minute's cache, as if the server's second never ran out during the test.
    h = await accessHarness(
      { ...fx.storage, db: fx.storage.db.withPlugin(counting) },
      { cacheMs: 60_000 },
    );
    h.profiles.set(lender, profile(lender));
  });
  afterAll(async () => {
    await h.close();
  });

  const ask = (serial: number) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/access-checks',
      headers: asSystem(lender),
      payload: {
        subject: iinBornOn('1984-04-04', serial),
        categories: ['identity'],
        purpose: 'finance.credit-scoring',
        legalBasis: 'consent',
        actor: { id: 'scorer' },
        action: 'read',
      },
    });

  it('reads them once for the checks that arrive together, and a failed read is tried again', async () => {
    failNextRegimes = true;
    const failed = await ask(1);
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    expect(counts.access_regimes).toBe(1);

    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(10 + i)));
    for (const answer of answers) expect(answer.statusCode).toBe(200);
    // One read for the thirty (fifty clients used to make fifty reads each time it went stale).
    expect(counts.access_regimes).toBe(2);
    expect(counts.access_adequacy).toBeLessThanOrEqual(2);
    expect((await ask(99)).statusCode).toBe(200);
    expect(counts.access_regimes).toBe(2);
  });
});
