import { useEffect } from 'react';

/** Keeps the tab title in the page's language; screen readers announce it on navigation. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
