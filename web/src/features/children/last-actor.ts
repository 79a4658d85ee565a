import type { Consent } from '../../api/citizen-api';

export type LastActor = 'guardian' | 'subject' | 'system' | 'staff' | 'expiry';

/**
 * Who acted last on a child's consent, by its last event: a guardian, the child (once of age), the
 * operator's information system (it asked, or paused), Qalqan's staff (or its command line and
 * demo), or the expiry sweep (an expired event). Undefined before any event and for an actor this
 * page cannot name, rather than a wrong name.
 */
export function lastActor(consent: Pick<Consent, 'events'>): LastActor | undefined {
  const last = consent.events.at(-1);
  if (!last) return undefined;
  const { kind, id } = last.actor;
  if (last.type === 'expired' || (kind === 'qalqan' && id === 'expiry-sweep')) return 'expiry';
  if (kind === 'guardian' || kind === 'subject' || kind === 'system' || kind === 'staff')
    return kind;
  if (kind === 'qalqan') return 'staff';
  return undefined;
}

/** The note each actor gets on the consent's card (`children.*`). */
export const ACTED_BY = {
  guardian: 'children.byGuardian',
  subject: 'children.bySubject',
  system: 'children.bySystem',
  staff: 'children.byStaff',
  expiry: 'children.byExpiry',
} as const satisfies Record<LastActor, string>;
