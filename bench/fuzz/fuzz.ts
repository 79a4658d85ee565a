/**
 * The long fuzz pass: the same engine as `test/fuzz/api.fuzz.test.ts`, with more requests per
 * operation and several seeds, against the composed demo server.
 *
 *   npm run fuzz                                   # 500 requests per operation, 3 seeds
 *   QALQAN_FUZZ_PER_OPERATION=2000 QALQAN_FUZZ_SEEDS=10 QALQAN_FUZZ_SEED=7 npm run fuzz
 *
 * Prints the answers by status and every finding; exits 1 when there is any.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { loadDemoWorld } from '../../src/demo/demo.js';
import { createQalqan } from '../../src/server.js';
import { fuzzApi, type Finding } from '../../test/fuzz/api-fuzz.js';

const perOperation = Number(process.env.QALQAN_FUZZ_PER_OPERATION ?? 500);
const seeds = Number(process.env.QALQAN_FUZZ_SEEDS ?? 3);
const firstSeed = Number(process.env.QALQAN_FUZZ_SEED ?? Date.now() % 1_000_000);

const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-fuzz-'));
const config = loadConfig({
  QALQAN_DATA_DIR: dataDir,
  QALQAN_LOG_LEVEL: 'silent',
  QALQAN_AUTH_FAILURE_LIMIT: '1000000000',
});
const qalqan = await createQalqan({ ...config, demo: true }, { logger: false });
const findings: Finding[] = [];
try {
  const demo = await loadDemoWorld(qalqan);
  await qalqan.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (qalqan.app.server.address() as { port: number }).port;
  const credentials = [
    demo.staff.regulator,
    demo.staff.soc,
    demo.staff.auditor,
    ...demo.systems.map((system) => system.apiKey),
  ];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const started = performance.now();
    const report = await fuzzApi(qalqan.app, { perOperation, seed, credentials, port });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `seed ${seed}: ${report.operations} operations, ${report.requests} requests + ${report.raw} raw in ${seconds.toFixed(1)} s; by status ${JSON.stringify(report.byStatus)}; ${report.findings.length} findings`,
    );
    findings.push(...report.findings);
  }
} finally {
  await qalqan.close();
  rmSync(dataDir, { recursive: true, force: true });
}
for (const finding of findings.slice(0, 50)) console.log(JSON.stringify(finding));
if (findings.length > 0) {
  console.error(`${findings.length} findings (first seed ${firstSeed})`);
  process.exitCode = 1;
} else {
  console.log(`0 findings (first seed ${firstSeed}): 0 5xx, every error a problem, nothing echoed`);
}
