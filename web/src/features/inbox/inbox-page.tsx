import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, type AnswerOf, api } from '../../api/client';
import { ErrorMessage } from '../../components/error-message';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import { useNotificationStream } from '../../hooks/use-notification-stream';
import { formatDate } from '../../i18n/dates';
import { Who } from '../../components/who';
import { eventMessage, whoOf } from './event-message';

const CATEGORIES = ['access', 'consent-request', 'consent-change', 'breach'] as const;
type Category = (typeof CATEGORIES)[number];

type Notification = AnswerOf<'/v1/me/inbox', 'get'>['notifications'][number];
type Preferences = AnswerOf<'/v1/me/inbox/preferences', 'get'>['preferences'];

const fetchInbox = async (signal: AbortSignal) =>
  answer(api.GET('/v1/me/inbox', { params: { query: { limit: 100 } }, signal }));
const fetchPreferences = async (signal: AbortSignal) =>
  (await answer(api.GET('/v1/me/inbox/preferences', { signal }))).preferences;

function Preferences() {
  const { t } = useTranslation();
  const loaded = useLoad(fetchPreferences);
  const [prefs, setPrefs] = useState<Preferences>();
  const [error, setError] = useState<unknown>();
  const shown = prefs ?? (loaded.state === 'done' ? loaded.value : undefined);
  if (loaded.state === 'failed') return <ErrorMessage error={loaded.error} />;
  if (!shown) return null;
  const toggle = async (category: Category) => {
    setError(undefined);
    try {
      const body = await answer(
        api.PUT('/v1/me/inbox/preferences', {
          body: { preferences: { [category]: !shown[category] } },
        }),
      );
      setPrefs(body.preferences);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <fieldset className="panel">
      <legend>{t('inbox.preferences')}</legend>
      {CATEGORIES.map((category) => (
        <label key={category} className="checkbox">
          <input type="checkbox" checked={shown[category]} onChange={() => void toggle(category)} />
          {t(`inbox.category.${category}`)}
        </label>
      ))}
      {error !== undefined && <ErrorMessage error={error} />}
    </fieldset>
  );
}

export function InboxPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('inbox.documentTitle'));
  const [round, setRound] = useState(0);
  const result = useLoad(fetchInbox, round);
  const [live, setLive] = useState<Notification[]>([]);
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const connected = useNotificationStream(
    useCallback((n: Notification) => {
      setLive((list) => (list.some((x) => x.id === n.id) ? list : [n, ...list]));
    }, []),
  );
  // A refused or failed marking is shown where it was asked: on the card (its id), or by "mark
  // all" (no id).
  const [failed, setFailed] = useState<{ readonly id?: string; readonly error: unknown }>();
  // The card just marked: its button is gone, so focus moves to the card rather than the page's start.
  const [marked, setMarked] = useState<string>();
  const markedRef = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (marked) markedRef.current?.focus();
  }, [marked]);
  const markRead = useCallback(async (id: string) => {
    setFailed(undefined);
    try {
      await answer(api.POST('/v1/me/inbox/{id}/read', { params: { path: { id } } }));
      setRead((set) => new Set([...set, id]));
      setMarked(id);
    } catch (error) {
      setFailed({ id, error });
    }
  }, []);
  const markAll = async () => {
    setFailed(undefined);
    try {
      await answer(api.POST('/v1/me/inbox/read-all'));
    } catch (error) {
      setFailed({ error });
      return;
    }
    setLive([]);
    setRead(new Set());
    setRound((n) => n + 1);
  };
  const stored = result.state === 'done' ? result.value.notifications : [];
  const all = [...live, ...stored.filter((n) => !live.some((l) => l.id === n.id))];
  const unread = all.filter((n) => !n.read && !read.has(n.id)).length;
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('inbox.title')}
      </h1>
      <p className="muted" aria-live="polite" data-live={connected}>
        {connected ? t('inbox.live') : t('inbox.offline')} · {t('inbox.unread', { count: unread })}
      </p>
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={() => void markAll()}>
          {t('inbox.markAll')}
        </button>
      </div>
      {failed && failed.id === undefined && <ErrorMessage error={failed.error} />}
      {all.length === 0 && result.state === 'done' ? (
        <p>{t('inbox.empty')}</p>
      ) : (
        <ul className="cards" aria-live="polite">
          {all.map((n) => {
            const isRead = n.read || read.has(n.id);
            const who = whoOf(n);
            return (
              <li
                key={n.id}
                ref={n.id === marked ? markedRef : undefined}
                tabIndex={n.id === marked ? -1 : undefined}
                className={`panel card ${isRead ? 'read' : 'unread'}`}
                data-notification={n.type}
              >
                <p className="card-title">
                  {/* Read or not is shown by the card's border; a screen reader says it in words. */}
                  <span className="visually-hidden" data-read-state={isRead ? 'read' : 'unread'}>
                    {t(isRead ? 'inbox.readState.read' : 'inbox.readState.unread')}{' '}
                  </span>
                  {t(`inbox.event.${eventMessage(n)}`)}
                </p>
                {who && (
                  <p>
                    <Who operatorId={who.operatorId} systemIds={who.systemIds} />
                  </p>
                )}
                <p className="muted">{t(`inbox.category.${n.category}`)}</p>
                <p className="muted">{formatDate(n.at, i18n.resolvedLanguage, 'dateTime')}</p>
                {!isRead && (
                  <button type="button" className="link-button" onClick={() => void markRead(n.id)}>
                    {t('inbox.markRead')}
                  </button>
                )}
                {failed?.id === n.id && <ErrorMessage error={failed.error} />}
              </li>
            );
          })}
        </ul>
      )}
      <Preferences />
    </>
  );
}
