import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n/dates';
import { byLabel } from './by';
import type { Level } from './soc-api';
import { useStaff } from './soc-session';

/** A date and time in the reader's language. */
export function useWhen(): (iso: string | null | undefined) => string {
  const { i18n, t } = useTranslation('soc');
  return (iso) => (iso ? formatDate(iso, i18n.resolvedLanguage, 'mediumDateTime') : t('none'));
}

/** Now, refreshed every `everyMs` (for clocks that count down). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A span of time in words: the two largest units ("1 day 3 hours", "25 minutes"). */
export function useDuration(): (ms: number) => string {
  const { t } = useTranslation('soc');
  return (ms) => {
    const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    const parts: string[] = [];
    if (days > 0) parts.push(t('duration.days', { count: days }));
    if (hours > 0) parts.push(t('duration.hours', { count: hours }));
    if (days === 0) parts.push(t('duration.minutes', { count: rest }));
    return parts.slice(0, 2).join(' ');
  };
}

export function LevelBadge({ level }: { readonly level: Level }) {
  const { t } = useTranslation('soc');
  return <span className={`badge soc-level soc-level-${level}`}>{t(`level.${level}`)}</span>;
}

/** Who changed a list, in the reader's words (`byLabel`), "you" for the signed-in staff member. */
export function useBy(): (by: string) => string {
  const { t } = useTranslation('soc');
  const { view } = useStaff();
  const self = view.status === 'ready' && view.signedIn ? view.session.subject : undefined;
  return (by) => byLabel(t, by, self);
}
