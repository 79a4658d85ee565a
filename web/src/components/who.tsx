/**
 * Who holds or asks for data, as a person reads it: the operator's and systems' registry names in
 * the reader's language, their ids in small print for a complaint or a support call. Until the
 * names arrive (or for a system the registry no longer has) the ids are shown instead.
 */
import { useTranslation } from 'react-i18next';
import { useSystemNames } from '../hooks/use-system-names';
import { isLanguage } from '../i18n/languages';

export interface WhoNames {
  /** The operator's name in the reader's language, once known. */
  readonly operator: string | undefined;
  /** Each system's name, or its id while unnamed. */
  readonly systems: readonly string[];
}

/** The names of an operator (found through its systems) and of the systems, in the reader's language. */
export function useWhoNames(
  operatorId: string | undefined,
  systemIds: readonly string[],
): WhoNames {
  const { i18n } = useTranslation();
  const lang = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'kk';
  const names = useSystemNames(systemIds);
  const operatorName = [...names.values()].find(
    (n) => operatorId === undefined || n.operatorId === operatorId,
  )?.operatorName;
  return {
    operator: operatorName?.[lang],
    systems: systemIds.map((id) => names.get(id)?.name ?? id),
  };
}

export function Who({
  operatorId,
  systemIds,
}: {
  readonly operatorId: string;
  readonly systemIds: readonly string[];
}) {
  const who = useWhoNames(operatorId, systemIds);
  const named = who.operator !== undefined;
  return (
    <span data-who={operatorId}>
      {named ? who.operator : <code>{operatorId}</code>}
      {named && systemIds.length > 0 && ` · ${who.systems.join(', ')}`}
      {named && (
        <>
          <br />
          <small className="muted">
            <code>{operatorId}</code>
            {systemIds.length > 0 && (
              <>
                {' · '}
                <code>{systemIds.join(', ')}</code>
              </>
            )}
          </small>
        </>
      )}
    </span>
  );
}
