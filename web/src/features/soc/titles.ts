/**
 * The titles the console shows for alerts, rules, cases and incidents, in the reader's language.
 * The server stores them in English: a rule's `title` from its YAML (which the regulator may
 * reword in a new version), a case's `title` composed from its actor or subject, an incident's
 * either as the analyst typed it or, when none was given, composed from its operator and system
 * (`titleComposed`). The console translates a shipped rule's title only while it is still the
 * shipped wording, composes a case's title from the case's own fields, and an incident's from
 * its fields only when the server composed it — an analyst's own title is shown as written.
 */
import { en } from './locales/en';
import { type Labels, nameIn } from './names';

export type ShippedRuleId = keyof typeof en.ruleTitle;

const SHIPPED_TITLES: Readonly<Record<string, string>> = en.ruleTitle;

/**
 * What to show for a rule's (or its alert's) title: the translation of a shipped rule's title
 * while `storedTitle` is still the shipped English one, else `storedTitle` as written — the
 * regulator's own wording of a new version, or a rule the centre did not ship.
 */
export function ruleTitle(
  t: (key: `ruleTitle.${ShippedRuleId}`) => string,
  ruleId: string,
  storedTitle: string,
): string {
  if (!Object.hasOwn(SHIPPED_TITLES, ruleId) || SHIPPED_TITLES[ruleId] !== storedTitle)
    return storedTitle;
  return t(`ruleTitle.${ruleId as ShippedRuleId}`);
}

/** A case's fields its title is made of (the `Case` of `GET /v1/monitor/cases`). */
export interface CaseTitleFields {
  readonly actorId: string | null;
  readonly operator: string | null;
  readonly operatorName?: Labels | undefined;
  readonly subject?: string | null | undefined;
}

/** The `t` of the `soc` namespace, as far as a case's title needs it. */
export interface CaseTitleMessages {
  (key: 'case.heading.actorOf', values: { actor: string; operator: string }): string;
  (key: 'case.heading.actor', values: { actor: string }): string;
  (key: 'case.heading.subject', values: { subject: string }): string;
  (key: 'case.title'): string;
}

/**
 * A case's title in the reader's language, from the case's fields rather than the server's
 * English `title`: its actor, of its operator (by the registry's name in that language, its id
 * when the registry has none), else its subject's pseudonym.
 */
export function caseTitle(
  t: CaseTitleMessages,
  fields: CaseTitleFields,
  language: string | undefined,
): string {
  const { actorId, operator, operatorName, subject } = fields;
  if (actorId) {
    if (!operator) return t('case.heading.actor', { actor: actorId });
    const name = nameIn(operatorName, language) || operator;
    return t('case.heading.actorOf', { actor: actorId, operator: name });
  }
  if (subject) return t('case.heading.subject', { subject });
  // The server opens a case only for an actor or a subject; a bare "Case" rather than nothing.
  return t('case.title');
}

/** An incident's fields its title is made of (the `IncidentView` of `GET /v1/monitor/incidents`). */
export interface IncidentTitleFields {
  readonly title: string;
  readonly titleComposed?: boolean | undefined;
  readonly operatorId?: string | undefined;
  readonly operatorName?: Labels | undefined;
  readonly systemId: string;
  readonly systemName?: string | undefined;
}

/** The `t` of the `soc` namespace, as far as an incident's title needs it. */
export interface IncidentTitleMessages {
  (key: 'incident.heading', values: { operator: string; system: string }): string;
}

/**
 * An incident's title in the reader's language. An analyst's own title (`titleComposed` false or
 * absent, as from a server before it) is free text, shown as written; a title the server composed
 * is composed here from the same facts — a personal data breach, its operator by the registry's
 * name in that language (its id when the registry has none) and its system by its name (its id).
 */
export function incidentTitle(
  t: IncidentTitleMessages,
  fields: IncidentTitleFields,
  language: string | undefined,
): string {
  const { title, titleComposed, operatorId, operatorName, systemId, systemName } = fields;
  if (titleComposed !== true) return title;
  const operator = nameIn(operatorName, language) || operatorId;
  // The server always names the operator; without it, its own wording rather than half a title.
  if (!operator) return title;
  return t('incident.heading', { operator, system: systemName || systemId });
}
