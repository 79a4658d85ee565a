/**
 * Which inbox category an event belongs to and which citizens it touches. Pure: the inbox
 * decides from the event alone, so a redelivered event lands the same way every time.
 */
import type { DomainEvent } from '../events/index.js';

export const CATEGORIES = ['access', 'consent-request', 'consent-change', 'breach'] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** The category of an event type; `null` for events no citizen is notified of. */
export function categoryOf(type: string): Category | null {
  if (type === 'access.checked') return 'access';
  if (type === 'consent.requested') return 'consent-request';
  if (type.startsWith('consent.')) return 'consent-change';
  if (type.startsWith('breach.') || type.startsWith('monitor.breach')) return 'breach';
  return null;
}

const PSEUDONYM = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The citizens an event touches: `data.subject`, and `data.subjects` for notices about many
 * (a breach). Only pseudonym-shaped strings count, so a malformed event notifies no one.
 */
export function subjectsOf(event: DomainEvent): readonly string[] {
  const found = new Set<string>();
  const { subject, subjects } = event.data;
  if (typeof subject === 'string' && PSEUDONYM.test(subject)) found.add(subject);
  if (Array.isArray(subjects))
    for (const one of subjects) if (typeof one === 'string' && PSEUDONYM.test(one)) found.add(one);
  return [...found];
}
