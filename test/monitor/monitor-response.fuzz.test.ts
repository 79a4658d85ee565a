/**
 * The monitoring centre's reference-data, response and incident routes under the API fuzzer
 * (test/fuzz/api-fuzz.ts), on SQLite and PostgreSQL — PostgreSQL refuses U+0000 in text, so a NUL
 * in an id or a note must be a 400 from the schema, never a 500 from the database: 0 answers 5xx,
 * 0 non-problem errors, 0 echoed 12-digit runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  fakeSystem,
  type ResponseHarness,
  responseHarness,
} from '../../src/monitor/test-support/response-app.js';
import { describeStorage } from '../../src/storage/test-support/storages.js';
import { fuzzApi } from '../fuzz/api-fuzz.js';

describeStorage('monitoring response routes under the fuzzer', (fx) => {
  let h: ResponseHarness;
  beforeAll(async () => {
    h = await responseHarness(fx.storage);
    h.systems.set('sys_fuzz', fakeSystem('sys_fuzz', 'op_fuzz'));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('0 answers 5xx, 0 non-problem errors, 0 echoed 12-digit runs', async () => {
    const report = await fuzzApi(h.app, {
      perOperation: Number(process.env.QALQAN_FUZZ_PER_OPERATION ?? 20),
      seed: Number(process.env.QALQAN_FUZZ_SEED ?? 20261204),
      credentials: ['staff.soc', 'staff.regulator', 'staff.auditor', 'system.sys_fuzz'],
    });
    expect(report.findings).toEqual([]);
    // The requests get past the front door: some are answered, some refused as invalid.
    expect(report.byStatus['200']).toBeGreaterThan(0);
    expect(report.byStatus['400']).toBeGreaterThan(0);
  }, 600_000);
});
