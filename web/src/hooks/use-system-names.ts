import { useEffect, useState } from 'react';
import { loadSystemNames, type SystemName, systemNameOf } from '../api/system-names';

/** The registry's names of these systems, filled in once they arrive (ids shown until then). */
export function useSystemNames(ids: readonly string[]): ReadonlyMap<string, SystemName> {
  const key = [...new Set(ids)].sort().join(',');
  const [, setArrived] = useState(0);
  useEffect(() => {
    if (!key) return;
    let live = true;
    void loadSystemNames(key.split(',')).then(() => {
      if (live) setArrived((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [key]);
  const names = new Map<string, SystemName>();
  for (const id of key ? key.split(',') : []) {
    const name = systemNameOf(id);
    if (name) names.set(id, name);
  }
  return names;
}
