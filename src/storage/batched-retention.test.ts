import type { Counter } from 'prom-client';
import { expect, it } from 'vitest';
import { createBatchedRetention, retentionCutoff } from './batched-retention.js';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const WEEK_MS = 7 * 24 * 3_600_000;
const metric = { name: 'test_pruned_total', help: 'rows deleted' };

it('runs batches with one cutoff until a batch comes back short, and counts what went', async () => {
  const calls: [string, number][] = [];
  const sizes = [3, 3, 1];
  let now = NOW;
  const retention = createBatchedRetention({
    retentionMs: WEEK_MS,
    deleteBatch: (before, limit) => {
      calls.push([before, limit]);
      now = new Date(now.getTime() + 3_600_000); // the clock moves; the cutoff must not
      return Promise.resolve(sizes.shift() ?? 0);
    },
    metric,
    what: 'test retention',
    batchSize: 3,
    pauseMs: 0,
    clock: () => now,
  });
  expect(await retention.prune()).toBe(7);
  const cutoff = retentionCutoff(NOW, WEEK_MS);
  expect(cutoff).toBe('2026-11-27T12:00:00.000Z');
  expect(calls).toEqual([
    [cutoff, 3],
    [cutoff, 3],
    [cutoff, 3],
  ]);
  expect((await (retention.metrics[0] as Counter).get()).values[0]?.value).toBe(7);
});

it('logs a failed run under its name, tries again at the next tick, and waits for a run when stopped', async () => {
  const errors: string[] = [];
  let attempts = 0;
  let finish: (() => void) | undefined;
  const retention = createBatchedRetention({
    retentionMs: WEEK_MS,
    deleteBatch: async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database gone');
      await new Promise<void>((resolve) => (finish = resolve));
      return 0;
    },
    metric,
    what: 'test retention',
    log: { error: (_object, message) => errors.push(message) },
  });
  const stop = retention.start(5);
  await expect.poll(() => attempts).toBe(2);
  expect(errors).toEqual(['test retention failed; the next run tries again']);
  let stopped = false;
  const stopping = stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(stopped).toBe(false); // the run in progress is awaited
  finish?.();
  await stopping;
  expect(attempts).toBe(2); // no run after the stop
});
