import { type ReactNode, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Load, useLoad } from '../../hooks/use-load';
import { ListProblem } from './list-problem';
import { useSticky } from './use-sticky';

export interface ListSection<T> {
  /** The load as it stands now (loading again after a change). */
  readonly result: Load<T>;
  /** The last value loaded, kept while the list loads again, so the section does not blank out. */
  readonly value: T | undefined;
  /** Loads the list again. */
  readonly reload: () => void;
  /** Announces a change the section made (the page's status line), then loads the list again. */
  readonly changed: (message: string) => void;
  /** "Loading" until there is something to show, and why the last load failed. */
  readonly status: ReactNode;
}

/**
 * What every list section of the reference lists page does with its list: load it for its owner
 * (a watch list, an operator, a system), keep the last answer on screen while it loads again,
 * load it again after a change and announce the change. `fetch` must be stable (a module-level
 * function): the load is memoised on it and `key`. A section is keyed by its owner where the
 * owner can change, so a list never shows another owner's entries while loading.
 */
export function useListSection<K, T>(
  fetch: (key: K, signal: AbortSignal) => Promise<T>,
  key: K,
  onDone: (message: string) => void = () => undefined,
): ListSection<T> {
  const { t } = useTranslation('soc');
  const [round, setRound] = useState(0);
  const load = useCallback((signal: AbortSignal) => fetch(key, signal), [fetch, key]);
  const result = useLoad(load, round);
  const value = useSticky(result);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const changed = (message: string) => {
    onDone(message);
    reload();
  };
  const status = (
    <>
      {value === undefined && result.state === 'loading' && <p>{t('loading')}</p>}
      {result.state === 'failed' && <ListProblem error={result.error} />}
    </>
  );
  return { result, value, reload, changed, status };
}
