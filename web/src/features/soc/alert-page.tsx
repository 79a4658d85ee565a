import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../app/router';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { LevelBadge, useWhen } from './format';
import { Actor, Named } from './names';
import { fetchAlert } from './soc-api';
import { SOC_PATHS } from './soc-routes';
import { ruleTitle } from './titles';
import { useConsoleTitle } from './console-title';
import { recordRefusals } from './detail-refusals';

export function AlertPage({ id }: { readonly id: string }) {
  const { t } = useTranslation('soc');
  useConsoleTitle('alert');
  const when = useWhen();
  const result = useLoad(useCallback((signal: AbortSignal) => fetchAlert(id, signal), [id]));
  return (
    <>
      <p className="small">
        <Link to={SOC_PATHS.feed}>← {t('alert.back')}</Link>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {result.state === 'done'
          ? ruleTitle(t, result.value.ruleId, result.value.title)
          : t('alert.title')}
      </h1>
      {result.state === 'loading' && <p>{t('loading')}</p>}
      {result.state === 'failed' && (
        <ErrorMessage error={result.error} worded={recordRefusals(t, 'alert')} />
      )}
      {result.state === 'done' && (
        <section className="panel" aria-labelledby="page-title">
          <p className="soc-badges">
            <LevelBadge level={result.value.level} />
            <span className="badge">{t(`state.${result.value.state}`)}</span>
            {result.value.outcome && (
              <span className="badge">{t(`outcome.${result.value.outcome}`)}</span>
            )}
          </p>
          {result.value.shadow && <p className="notice">{t('alert.shadowNote')}</p>}
          <dl className="facts">
            <div>
              <dt>{t('alert.rule')}</dt>
              <dd>
                <code>{result.value.ruleId}</code>
              </dd>
            </div>
            <div>
              <dt>{t('alert.at')}</dt>
              <dd>{when(result.value.at)}</dd>
            </div>
            <div>
              <dt>{t('alert.count')}</dt>
              <dd>{result.value.count}</dd>
            </div>
            {(
              [
                [
                  'actor',
                  result.value.context.actorId,
                  (id: string) => <Actor code={result.value.context.actorCode} id={id} />,
                ],
                [
                  'system',
                  result.value.context.system,
                  (id: string) => <Named name={result.value.context.systemName} id={id} />,
                ],
                [
                  'operator',
                  result.value.context.operator,
                  (id: string) => <Named name={result.value.context.operatorName} id={id} />,
                ],
                ['subject', result.value.context.subject, (id: string) => <code>{id}</code>],
              ] as const
            ).map(([key, value, show]) =>
              value ? (
                <div key={key}>
                  <dt>{t(`alert.${key}`)}</dt>
                  <dd>{show(value)}</dd>
                </div>
              ) : null,
            )}
            {result.value.caseId && (
              <div>
                <dt>{t('alert.case')}</dt>
                <dd>
                  <Link to={SOC_PATHS.case(result.value.caseId)}>{t('feed.openCase')}</Link>
                </dd>
              </div>
            )}
          </dl>
          {result.value.responses.length > 0 && (
            <>
              <h2>{t('alert.proposed')}</h2>
              <ul>
                {result.value.responses.map((response) => (
                  <li key={response.action}>
                    {t(`response.action.${response.action}`)} —{' '}
                    {t(
                      `response.mode.${response.mode === 'automatic' ? 'automatic' : 'needs-confirmation'}`,
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2>{t('alert.events')}</h2>
          <ul className="soc-ids">
            {result.value.events.map((event) => (
              <li key={event}>
                <code>{event}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
