import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus.js';
import type { DomainEvent } from './events.js';

const event = (id: string): DomainEvent => ({
  id,
  type: 'registry.system.created',
  at: '2026-12-04T12:00:00.000Z',
  data: { systemId: 'sys_1' },
});

describe('in-process event bus', () => {
  it('delivers every event to every subscriber, in order', async () => {
    const bus = createInProcessBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe((e) => {
      a.push(e.id);
    });
    bus.subscribe(async (e) => {
      await Promise.resolve();
      b.push(e.id);
    });
    await bus.publish([event('1'), event('2')]);
    expect(a).toEqual(['1', '2']);
    expect(b).toEqual(['1', '2']);
  });

  it('keeps publishing when a subscriber throws or rejects, and reports each failure', async () => {
    const failures: string[] = [];
    const bus = createInProcessBus({
      onHandlerError: (error, e) => failures.push(`${e.id}: ${(error as Error).message}`),
    });
    const received: string[] = [];
    bus.subscribe(() => {
      throw new Error('sync failure');
    });
    bus.subscribe(() => Promise.reject(new Error('async failure')));
    bus.subscribe((e) => {
      received.push(e.id);
    });
    await expect(bus.publish([event('1'), event('2')])).resolves.toBeUndefined();
    expect(received).toEqual(['1', '2']);
    expect(failures).toEqual([
      '1: sync failure',
      '1: async failure',
      '2: sync failure',
      '2: async failure',
    ]);
  });

  it('stops delivering to a subscriber once it unsubscribes', async () => {
    const bus = createInProcessBus();
    const received: string[] = [];
    const handler = (e: DomainEvent) => {
      received.push(e.id);
    };
    const first = bus.subscribe(handler);
    bus.subscribe(handler);
    await bus.publish([event('1')]);
    first();
    await bus.publish([event('2')]);
    expect(received).toEqual(['1', '1', '2']);
  });

  it('publishes nothing and resolves when there are no subscribers', async () => {
    await expect(createInProcessBus().publish([event('1')])).resolves.toBeUndefined();
  });

  it('hands a batch subscriber each published batch whole, and reports its failure per event', async () => {
    const failures: string[] = [];
    const bus = createInProcessBus({
      onHandlerError: (error, e) => failures.push(`${e.id}: ${(error as Error).message}`),
    });
    const batches: string[][] = [];
    const single: string[] = [];
    const stop = bus.subscribeBatch((events) => {
      batches.push(events.map((e) => e.id));
    });
    bus.subscribeBatch(() => Promise.reject(new Error('batch failure')));
    bus.subscribe((e) => {
      single.push(e.id);
    });
    await bus.publish([event('1'), event('2')]);
    await bus.publish([]);
    stop();
    await bus.publish([event('3')]);
    expect(batches).toEqual([['1', '2']]);
    expect(single).toEqual(['1', '2', '3']);
    expect(failures).toEqual(['1: batch failure', '2: batch failure', '3: batch failure']);
  });
});
