import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchConsents } from '../../api/citizen-api';
import { answer, type AnswerOf, api } from '../../api/client';
import { ConsentList } from '../../components/consent-list';
import { lastActorNote } from '../../components/last-actor';
import { ErrorMessage } from '../../components/error-message';
import { RequestList } from '../../components/request-list';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useLoad } from '../../hooks/use-load';
import { formatDate } from '../../i18n/dates';

type Child = AnswerOf<'/v1/me/children', 'get'>['children'][number];

const fetchChildren = async (signal: AbortSignal) =>
  (await answer(api.GET('/v1/me/children', { signal }))).children;

/** The child's consents; `round` reloads them (after the guardian answered a request). */
function ChildConsents({ childId, round }: { readonly childId: string; readonly round: number }) {
  const { t } = useTranslation();
  const load = useCallback((signal: AbortSignal) => fetchConsents(childId, signal), [childId]);
  const result = useLoad(load, round);
  if (result.state === 'loading') return <p aria-live="polite">{t('portal.loading')}</p>;
  if (result.state === 'failed') return <ErrorMessage error={result.error} />;
  if (result.value.length === 0) return <p>{t('consent.empty')}</p>;
  const actedBy = lastActorNote(t, 'child');
  return <ConsentList consents={result.value} level={3} childId={childId} note={actedBy} />;
}

/**
 * What the guardian answers and holds for one child: the same request cards as the requests page
 * (who asks by name, the answer shown on its card), and the child's consents, reloaded after an
 * answer.
 */
function ChildView({ child }: { readonly child: Child }) {
  const { t } = useTranslation();
  const [round, setRound] = useState(0);
  const answered = useCallback(() => setRound((n) => n + 1), []);
  return (
    <div data-child={child.childId}>
      <h2>{t('children.requests')}</h2>
      <RequestList childId={child.childId} onAnswered={answered} headingLevel={3} />
      <h2>{t('children.consents')}</h2>
      <ChildConsents childId={child.childId} round={round} />
    </div>
  );
}

/**
 * The page's lead: asks the guardian to choose only when there is a choice (one child is shown at
 * once); `count` is undefined while the children load.
 */
export function ChildrenIntro({ count }: { readonly count: number | undefined }) {
  const { t } = useTranslation();
  const key =
    count === undefined || count === 0
      ? 'children.intro'
      : count === 1
        ? 'children.introOne'
        : 'children.introSeveral';
  return <p className="lead">{t(key)}</p>;
}

export function ChildrenPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('children.documentTitle'));
  const result = useLoad(fetchChildren);
  const [picked, setPicked] = useState<string>();
  const children = result.state === 'done' ? result.value : [];
  // One child in care (the usual case) is shown at once; with more, the guardian chooses.
  const chosen = picked ?? (children.length === 1 ? children[0]!.childId : undefined);
  const child = children.find((c) => c.childId === chosen);
  // The birth date names a child; the IIN's last four digits tell twins apart.
  const named = (c: Child) => {
    const born = formatDate(c.birthDate, i18n.resolvedLanguage, 'date');
    return c.iinEnding
      ? t('children.childWithIin', { born, ending: c.iinEnding })
      : t('children.child', { born });
  };
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('children.title')}
      </h1>
      <ChildrenIntro count={result.state === 'done' ? children.length : undefined} />
      {result.state === 'loading' && <p aria-live="polite">{t('portal.loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {result.state === 'done' &&
        (children.length === 0 ? (
          <p>{t('children.empty')}</p>
        ) : (
          <>
            {children.length === 1 ? (
              // Nothing to choose: the one child is named, not offered as a pressed button.
              <p className="muted" data-only-child>
                {named(children[0]!)}
              </p>
            ) : (
              <div className="actions" role="group" aria-label={t('children.choose')}>
                {children.map((c) => (
                  <button
                    key={c.childId}
                    type="button"
                    className="button button-secondary"
                    aria-pressed={chosen === c.childId}
                    onClick={() => setPicked(c.childId)}
                  >
                    {named(c)}
                  </button>
                ))}
              </div>
            )}
            {child && <ChildView key={child.childId} child={child} />}
          </>
        ))}
    </>
  );
}
