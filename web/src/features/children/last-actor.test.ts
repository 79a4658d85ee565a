import { describe, expect, it } from 'vitest';
import { lastActor } from './last-actor';

const event = (kind: string) => ({ actor: { kind } }) as never;

describe('lastActor', () => {
  it('names who acted on a child’s consent by its last event, whatever came before', () => {
    expect(lastActor({ events: [event('system'), event('guardian')] })).toBe('guardian');
    expect(lastActor({ events: [event('guardian'), event('subject')] })).toBe('subject');
    expect(lastActor({ events: [event('guardian'), event('system')] })).toBe('system');
  });

  it('says the system for any other actor, and nothing before any event', () => {
    expect(lastActor({ events: [event('regulator')] })).toBe('system');
    expect(lastActor({ events: [] })).toBeUndefined();
  });
});
