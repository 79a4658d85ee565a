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

/**
 * Whom a notification is about, as ids the page names from the registry: an access names its
 * system and operator, a consent event its controller and systems; other events name nobody.
 */
export function whoOf(notification: {
  readonly data?: Readonly<Record<string, unknown>>;
}): { readonly operatorId: string; readonly systemIds: readonly string[] } | undefined {
  const data = notification.data ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const operatorId = text(data['operator']) ?? text(data['controller']);
  if (!operatorId) return undefined;
  const system = text(data['system']);
  const systems = Array.isArray(data['systems'])
    ? data['systems'].filter((s): s is string => typeof s === 'string' && s !== '')
    : [];
  return { operatorId, systemIds: system ? [system] : systems };
}
