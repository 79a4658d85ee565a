/**
 * The titles the console shows for alerts, rules and cases, in the reader's language. The server
 * stores them in English: a rule's `title` from its YAML (which the regulator may reword in a new
 * version), a case's `title` composed from its actor or subject. The console translates a shipped
 * rule's title only while it is still the shipped wording, and composes a case's title from the
 * case's own fields.
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
