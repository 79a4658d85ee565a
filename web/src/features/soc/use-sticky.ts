import { useEffect, useState } from 'react';
import type { Load } from '../../hooks/use-load';

/**
 * The last value a load gave, kept while it loads again (after an action), so the page does not
 * blank out and lose the outcome it is announcing.
 */
export function useSticky<T>(result: Load<T>): T | undefined {
  const [last, setLast] = useState<T>();
  useEffect(() => {
    if (result.state === 'done') setLast(result.value);
  }, [result]);
  return result.state === 'done' ? result.value : last;
}
