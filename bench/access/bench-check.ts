/**
 * What the access benches share: the benchmark's check (the demo bank's KYC read under a `law`
 * basis, 500 rotating subjects, 40 officers) and the load generator, `load.ts` in a child process
 * (so the servers measured have the parent's event loop to themselves), one job at a time.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { iinBornOn } from '../../src/access/test-support/access-app.js';
import type { LoadJob, LoadResult } from './load.js';

/** The subjects the checks rotate through (IINs of people born on 1 January 1980). */
export const benchSubjects = Array.from({ length: 500 }, (_, i) =>
  iinBornOn('1980-01-01', 100 + i * 7),
);

/** The `n`th check of the rotation: its subject and its officer follow `n`. */
export const kycCheck = (n: number) => ({
  subject: benchSubjects[n % benchSubjects.length]!,
  categories: ['identity', 'document'],
  purpose: 'finance.kyc',
  legalBasis: 'law' as const,
  basisReference: 'AML/CFT Law 191-IV, Art. 5',
  actor: { id: `officer-${n % 40}` },
  action: 'read' as const,
});

export interface LoadGenerator {
  readonly generate: (job: LoadJob) => Promise<LoadResult>;
  readonly stop: () => void;
}

export function forkLoadGenerator(): LoadGenerator {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  return {
    generate: (job) =>
      new Promise((resolve, reject) => {
        child.once('message', (message: { result?: LoadResult; error?: string }) => {
          if (message.result) resolve(message.result);
          else reject(new Error(message.error ?? 'the load generator failed'));
        });
        child.send(job);
      }),
    stop: () => child.kill(),
  };
}

/** A load's outcome, with what it cost the servers' process (this one). */
export interface MeasuredLoad {
  readonly rps: number;
  readonly p99: number;
  /**
   * The servers' process's CPU (all its threads) per answered request during the load, in µs:
   * the load generator is another process, and only one server is loaded at a time. A request
   * answered alone costs more than one among many (the code and data of the whole path are cold
   * in the CPU's caches each time), so this shows how much of a latency ratio at a moderate rate
   * is that, the echo's as much as the check's.
   */
  readonly cpuPerRequest: number;
  /** How busy the servers' event loop (the answering thread) was. */
  readonly busy: number;
}

/** Runs `job` and measures this process meanwhile; any non-2xx answer or error fails the run. */
export async function measuredLoad(generator: LoadGenerator, job: LoadJob): Promise<MeasuredLoad> {
  const eluBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const result = await generator.generate(job);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${job.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    rps: result.rps,
    p99: result.p99,
    cpuPerRequest: (cpu.user + cpu.system) / Math.max(1, result.ok),
    busy: performance.eventLoopUtilization(eluBefore).utilization,
  };
}
