import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import type * as Checkpointer from '../../src/storage/wal-checkpointer.js';

// The WAL checkpoint worker fails as soon as it starts (say its thread could not open the file).
vi.mock('../../src/storage/wal-checkpointer.js', async (importOriginal) => {
  const real = await importOriginal<typeof Checkpointer>();
  return {
    ...real,
    startWalCheckpointer: (options: Checkpointer.WalCheckpointerOptions) => {
      queueMicrotask(() => options.onError?.(new Error('the worker could not open the database')));
      return {
        running: false,
        checkpointNow: () => Promise.resolve({ busy: 0, log: 0, checkpointed: 0 }),
        close: () => Promise.resolve(),
      };
    },
  };
});
// Test files share their worker's module cache (vitest.config.ts): a server another file loaded
// holds the real worker, so load it afresh, under the mock.
vi.resetModules();
const { loadConfig } = await import('../../src/config/config.js');
const { createQalqan } = await import('../../src/server.js');

// The next file in this worker must load the real worker: drop the mock and the modules loaded
// under it.
afterAll(() => {
  vi.doUnmock('../../src/storage/wal-checkpointer.js');
  vi.resetModules();
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('logs a problem storage works around (a failed checkpoint worker) as a warning, with its reason', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-storage-problems-'));
  dirs.push(dataDir);
  const lines: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const qalqan = await createQalqan(loadConfig({ QALQAN_DATA_DIR: dataDir }), { logStream });
  try {
    await vi.waitFor(() =>
      expect(
        lines.find((line) => String(line.msg).includes('checkpoint worker failed')),
      ).toBeTruthy(),
    );
    const warning = lines.find((line) => String(line.msg).includes('checkpoint worker failed'))!;
    // pino's warn level; the reason travels as the error, not lost.
    expect(warning.level).toBe(40);
    expect(warning.msg).toContain("SQLite's own checkpoints inside commits take over");
    expect(warning.err).toMatchObject({ message: 'the worker could not open the database' });
    // Degraded, not broken: the server still answers.
    const health = await qalqan.app.inject({ url: '/readyz' });
    expect(health.statusCode).toBe(200);
  } finally {
    await qalqan.close();
  }
});
