import type { Consent } from '../api/citizen-api';

export type LastActor = 'guardian' | 'subject' | 'system' | 'staff' | 'expiry';

/**
 * Who acted last on a consent, by its last event: a guardian, the subject (the child once of age,
 * or the reader), the operator's information system (it asked, or paused), Qalqan's staff (or its
 * command line and demo), or the expiry sweep (an expired event). Undefined before any event and
 * for an actor the portal cannot name, rather than a wrong name.
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

/**
 * The note each actor gets on the consent's card: on a child's consent (`children.*`, read by the
 * guardian) and on the reader's own (`consent.by*`: "you", "your guardian" from before they came
 * of age).
 */
export const ACTED_BY = {
  child: {
    guardian: 'children.byGuardian',
    subject: 'children.bySubject',
    system: 'children.bySystem',
    staff: 'children.byStaff',
    expiry: 'children.byExpiry',
  },
  own: {
    guardian: 'consent.byGuardian',
    subject: 'consent.bySubject',
    system: 'consent.bySystem',
    staff: 'consent.byStaff',
    expiry: 'consent.byExpiry',
  },
} as const satisfies Record<'child' | 'own', Record<LastActor, string>>;

type ActedByKey = (typeof ACTED_BY)[keyof typeof ACTED_BY][LastActor];

/** The card's note on who acted last, in the words for `whose` consents (see `ConsentCard`). */
export const lastActorNote =
  (t: (key: ActedByKey) => string, whose: keyof typeof ACTED_BY) =>
  (consent: Pick<Consent, 'events'>): string | undefined => {
    const actor = lastActor(consent);
    return actor ? t(ACTED_BY[whose][actor]) : undefined;
  };
