import { describe, expect, it } from 'vitest';
import { lastActor } from './last-actor';

const event = (kind: string, id?: string, type = 'approved') =>
  ({ type, actor: { kind, ...(id ? { id } : {}) } }) as never;

describe('lastActor', () => {
  it('names who acted on a child’s consent by its last event, whatever came before', () => {
    expect(lastActor({ events: [event('system'), event('guardian')] })).toBe('guardian');
    expect(lastActor({ events: [event('guardian'), event('subject')] })).toBe('subject');
    expect(lastActor({ events: [event('guardian'), event('system', 'sys-1')] })).toBe('system');
  });

  it('names staff and an expiry, not the system', () => {
    expect(lastActor({ events: [event('guardian'), event('staff', 'soc-1')] })).toBe('staff');
    expect(lastActor({ events: [event('guardian'), event('qalqan', 'cli')] })).toBe('staff');
    expect(
      lastActor({ events: [event('guardian'), event('qalqan', 'expiry-sweep', 'expired')] }),
    ).toBe('expiry');
    expect(lastActor({ events: [event('system', 'sys-1', 'expired')] })).toBe('expiry');
  });

  it('names nothing for an actor it does not know, nor before any event', () => {
    expect(lastActor({ events: [event('regulator')] })).toBeUndefined();
    expect(lastActor({ events: [] })).toBeUndefined();
  });
});
