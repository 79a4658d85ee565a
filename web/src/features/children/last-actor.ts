import type { Consent } from '../../api/citizen-api';

/**
 * Who acted last on a child's consent: a guardian, the child (once of age), or the system that
 * asked (any other actor: the request itself, an expiry). Undefined before any event.
 */
export function lastActor(
  consent: Pick<Consent, 'events'>,
): 'guardian' | 'subject' | 'system' | undefined {
  const last = consent.events.at(-1);
  if (!last) return undefined;
  if (last.actor.kind === 'guardian') return 'guardian';
  if (last.actor.kind === 'subject') return 'subject';
  return 'system';
}
