/**
 * Which sentence the inbox shows for a notification. The event type is a machine name
 * (`consent.withdrawal-refused`); a citizen reads a sentence in their language instead, and an
 * access is told apart by its decision.
 */
export const EVENT_MESSAGES = [
  'access_permit',
  'access_deny',
  'consent_requested',
  'consent_given',
  'consent_refused',
  'consent_withdrawn',
  'consent_withdrawal_refused',
  'consent_expired',
  'consent_paused',
  'consent_resumed',
  'consent_came_of_age',
  'breach_notified',
  'other',
] as const;
export type EventMessage = (typeof EVENT_MESSAGES)[number];

const BY_TYPE: Readonly<Record<string, EventMessage>> = {
  'consent.requested': 'consent_requested',
  'consent.given': 'consent_given',
  'consent.refused': 'consent_refused',
  'consent.withdrawn': 'consent_withdrawn',
  'consent.withdrawal-refused': 'consent_withdrawal_refused',
  'consent.expired': 'consent_expired',
  'consent.paused': 'consent_paused',
  'consent.resumed': 'consent_resumed',
  'consent.subject-came-of-age': 'consent_came_of_age',
  'breach.notified': 'breach_notified',
};

export function eventMessage(notification: {
  readonly type: string;
  readonly data?: Readonly<Record<string, unknown>>;
}): EventMessage {
  if (notification.type === 'access.checked')
    return notification.data?.['decision'] === 'permit' ? 'access_permit' : 'access_deny';
  return Object.hasOwn(BY_TYPE, notification.type) ? BY_TYPE[notification.type]! : 'other';
}
