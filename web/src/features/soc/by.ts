/**
 * Who changed a reference list, as an analyst reads it. The server records the actor as the
 * ledger does — `staff:<subject>`, `staff:<roles>:<subject>` (roles joined by `+`),
 * `system:<systemId>` — which is an audit reference, not something to read: the console names the
 * signed-in analyst "you" and a staff member by role, keeping the reference itself to look up.
 */

/** The `t` of the `soc` namespace, as far as naming an actor needs it. */
export interface ByMessages {
  (key: 'by.you'): string;
  (key: 'by.staffMember', values: { id: string }): string;
  (key: 'by.system', values: { id: string }): string;
  (key: 'role.soc' | 'role.regulator' | 'role.auditor'): string;
}

const KNOWN_ROLES = new Set(['soc', 'regulator', 'auditor']);

/**
 * `by` in the reader's words: "you" for the signed-in staff member's own changes, "analyst
 * stt_…" for another's, "system sys_…" for an operator's system; anything else as recorded.
 */
export function byLabel(t: ByMessages, by: string, selfSubject: string | undefined): string {
  const [kind, ...rest] = by.split(':');
  if (kind === 'system' && rest.length === 1 && rest[0]) return t('by.system', { id: rest[0] });
  if (kind !== 'staff' || rest.length === 0 || rest.length > 2) return by;
  const subject = rest.at(-1)!;
  if (!subject) return by;
  if (subject === selfSubject) return t('by.you');
  const roles = rest.length === 2 ? rest[0]!.split('+').filter(Boolean) : [];
  if (roles.length === 0) return t('by.staffMember', { id: subject });
  const named = roles.map((role) =>
    KNOWN_ROLES.has(role) ? t(`role.${role as 'soc' | 'regulator' | 'auditor'}`) : role,
  );
  // The role's name, then the reference: no sentence to translate, the same order in each language.
  return `${named.join(', ')} ${subject}`;
}
