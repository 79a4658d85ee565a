import { useEffect, useState } from 'react';

export type Load<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T; readonly at: Date }
  | { readonly state: 'failed'; readonly error: unknown; readonly at: Date };

/**
 * Runs `load` when the component mounts and again whenever `round` changes (a "check again"
 * button bumps it). A load still running when the next starts, or when the page is left, is
 * aborted so a slow old answer can never overwrite a newer one. `load` must be stable (defined
 * outside the component or memoised), or it would run on every render.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, round = 0): Load<T> {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setResult({ state: 'loading' });
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setResult({ state: 'done', value, at: new Date() });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'failed', error, at: new Date() });
      },
    );
    return () => controller.abort();
  }, [load, round]);
  return result;
}
