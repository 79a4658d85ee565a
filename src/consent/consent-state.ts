/**
 * The consent state machine as a pure function over the event log (DOMAIN.md §4, after India's
 * Account Aggregator): `requested → active | refused | expired`, `active → withdrawn | expired |
 * paused`, `paused → active | withdrawn | expired`. A refused withdrawal is an event that leaves
 * the state as it was. Refused, expired and withdrawn are final.
 */
import type { ConsentEventType, ConsentState } from './consent.model.js';

const TRANSITIONS: Readonly<
  Record<ConsentState, Readonly<Partial<Record<ConsentEventType, ConsentState>>>>
> = {
  requested: { given: 'active', refused: 'refused', expired: 'expired' },
  active: {
    withdrawn: 'withdrawn',
    'withdrawal-refused': 'active',
    expired: 'expired',
    paused: 'paused',
  },
  paused: {
    resumed: 'active',
    withdrawn: 'withdrawn',
    'withdrawal-refused': 'paused',
    expired: 'expired',
  },
  refused: {},
  expired: {},
  withdrawn: {},
};

/** The state after `event` in `state`, or null when the event is not possible there. */
export function nextState(state: ConsentState, event: ConsentEventType): ConsentState | null {
  return TRANSITIONS[state][event] ?? null;
}

export function isFinal(state: ConsentState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}

/** Events that may follow in `state` (for answering "what can the citizen do now"). */
export function possibleEvents(state: ConsentState): readonly ConsentEventType[] {
  return Object.keys(TRANSITIONS[state]) as ConsentEventType[];
}

export type Replay =
  | { readonly ok: true; readonly state: ConsentState }
  | { readonly ok: false; readonly at: number; readonly state: ConsentState | null };

/**
 * Folds a consent's events, oldest first, into its state. The log must open with `requested`
 * (every consent starts as a request, even one collected on paper) and every later event must
 * be possible in the state before it; otherwise the index of the first impossible event.
 */
export function replay(events: readonly { readonly type: ConsentEventType }[]): Replay {
  let state: ConsentState | null = null;
  for (const [i, event] of events.entries()) {
    const next: ConsentState | null =
      state === null
        ? event.type === 'requested'
          ? 'requested'
          : null
        : nextState(state, event.type);
    if (next === null) return { ok: false, at: i, state };
    state = next;
  }
  return state === null ? { ok: false, at: 0, state: null } : { ok: true, state };
}
