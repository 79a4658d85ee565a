import { describe, expect, it } from 'vitest';

import type { AlertRecord, AlertsStore } from './alerts.store.js';
import type { MonitorAlert } from './engine.js';
import { createEvaluator, type EvaluatorDeps, type FeedRun } from './evaluator.js';
import type { MonitorStore, RuleMode } from './monitor.store.js';
import { loadRules } from './rule-loader.js';

const RULE = [
  'id: clerk-search',
  'title: A clerk searched',
  'level: low',
  'detection:',
  '  check: { type: access.checked, action: search, actor.id: clerk-1 }',
  '  condition: check',
  'response:',
  '  - { action: block-actor, for: 1h, mode: automatic }',
  '',
].join('\n');

const search = (id: string) => ({
  id,
  type: 'access.checked',
  at: '2026-03-02T06:00:00.000Z',
  data: {
    subject: 'psn-1',
    actor: { id: 'clerk-1' },
    system: 'sys-1',
    operator: 'op-1',
    purpose: 'finance.credit-scoring',
    categories: ['identity'],
    action: 'search',
    decision: 'permit',
  },
});

function gate<T>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * An evaluator over fakes: one leader lease, a feed that hands each run to the test, modes read
 * through a queue of answers the test controls, alerts kept in memory.
 */
function harness() {
  const { rules, problems } = loadRules([{ file: 'clerk-search.yaml', text: RULE }]);
  expect(problems).toEqual([]);
  const runs: FeedRun[] = [];
  const modeReads: { answer: (modes: ReadonlyMap<string, RuleMode>) => void }[] = [];
  const modeRead = { next: gate<void>() };
  const stored: MonitorAlert[] = [];
  const deps: EvaluatorDeps = {
    rules: () => Promise.resolve(rules),
    rulesVersion: () => Promise.resolve(1),
    // Long enough that the counter's poll never rescues a lost rebuild within the test.
    rulesPollMs: 60_000,
    modes: () => {
      const answer = gate<ReadonlyMap<string, RuleMode>>();
      modeReads.push({ answer: answer.open });
      modeRead.next.open();
      modeRead.next = gate<void>();
      return answer.promise;
    },
    reference: () => ({}),
    feed: {
      run(run) {
        runs.push(run);
        run.caughtUp();
        return new Promise((resolve) => {
          run.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      },
    },
    lock: {
      tryAcquire: () =>
        Promise.resolve({ lost: new Promise<void>(() => undefined), release: async () => {} }),
    },
    store: { park: async () => {} } as unknown as MonitorStore,
    alerts: {
      recordSuppressed: async () => 0,
      record: async (alert: MonitorAlert) => {
        stored.push(alert);
        return { created: true, alert: { ...alert } as unknown as AlertRecord };
      },
    } as unknown as AlertsStore,
    clock: () => new Date('2026-03-02T06:00:01Z'),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    onAlert: async () => {},
    standbyRetryMs: 10,
  };
  return { evaluator: createEvaluator(deps), runs, modeReads, modeRead, stored };
}

describe('createEvaluator', () => {
  it('a rebuild asked for while the rules are being read is not lost: the run uses the modes read after it', async () => {
    const h = harness();
    const firstRead = h.modeRead.next.promise;
    h.evaluator.start();
    await firstRead;
    expect(h.evaluator.role).toBe('leader');
    // The switch commits and asks for a rebuild while the first read is still out (its answer
    // predates the switch); no run exists yet for the rebuild to abort.
    const secondRead = h.modeRead.next.promise;
    h.evaluator.rebuild();
    h.modeReads[0]?.answer(new Map());
    // It reads again rather than starting a run on what it read.
    const next = await Promise.race([
      secondRead.then(() => 'read again'),
      h.evaluator.whenLeading().then(() => 'ran on the read before the switch'),
    ]);
    expect(next).toBe('read again');
    h.modeReads[1]?.answer(new Map([['clerk-search', 'shadow']]));
    await h.evaluator.whenLeading();
    expect(h.runs).toHaveLength(1);
    await h.runs[0]?.deliver([search('e-1')]);
    expect(h.stored).toHaveLength(1);
    expect(h.stored[0]).toMatchObject({ ruleId: 'clerk-search', shadow: true, responses: [] });
    await h.evaluator.stop();
  });

  it('a rebuild during a run ends it and starts one with the new modes', async () => {
    const h = harness();
    const firstRead = h.modeRead.next.promise;
    h.evaluator.start();
    await firstRead;
    h.modeReads[0]?.answer(new Map());
    await h.evaluator.whenLeading();
    await h.runs[0]?.deliver([search('e-1')]);
    expect(h.stored[0]).toMatchObject({ shadow: false, responses: [expect.anything()] });
    const secondRead = h.modeRead.next.promise;
    h.evaluator.rebuild();
    expect(h.runs[0]?.signal.aborted).toBe(true);
    await secondRead;
    h.modeReads[1]?.answer(new Map([['clerk-search', 'shadow']]));
    await expect.poll(() => h.runs.length).toBe(2);
    await h.runs[1]?.deliver([search('e-2')]);
    expect(h.stored[1]).toMatchObject({ shadow: true, responses: [] });
    await h.evaluator.stop();
  });
});
