import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { ConfirmDialog } from './confirm-dialog';
import { useWhen } from './format';
import { useSticky } from './use-sticky';
import {
  decideResponse,
  fetchResponses,
  type MonitorResponse,
  type ResponseDecision,
} from './soc-api';
import { useConsoleTitle } from './console-title';

const DANGEROUS = new Set(['block-actor', 'suspend-system', 'block-country']);

/** Whom a response acts on, in words: the actor's code, the system's and operator's names. */
function useTarget() {
  const { t, i18n } = useTranslation('soc');
  const lang = i18n.resolvedLanguage;
  return (response: MonitorResponse) => {
    const operator = response.operatorName
      ? lang === 'kk' || lang === 'ru'
        ? response.operatorName[lang]
        : response.operatorName.en
      : undefined;
    const system = response.systemName
      ? `${response.systemName}${operator ? ` (${operator})` : ''}`
      : response.systemId;
    return [
      response.actorId
        ? `${t('alert.actor')} ${response.actorCode ?? response.actorId}`
        : undefined,
      `${t('alert.system')} ${system}`,
      response.country ? response.country : undefined,
    ]
      .filter(Boolean)
      .join(', ');
  };
}

/** The ids behind a response's target, in small print. */
function TargetIds({ response }: { readonly response: MonitorResponse }) {
  const ids = [response.actorId, response.operatorId, response.systemId].filter(Boolean);
  return (
    <small className="muted">
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ' · '}
          <code>{id}</code>
        </span>
      ))}
    </small>
  );
}

/**
 * Responses with their controls: a proposed one is confirmed (or rejected with a reason), one in
 * force can be lifted with a reason — each through a confirmation dialog. `caseId` narrows the
 * list to one case.
 */
export function ResponseList({
  caseId,
  headingLevel = 3,
}: {
  readonly caseId?: string;
  /** A response's title sits under the page's h1 (2) or, on a case's page, its section's h2 (3). */
  readonly headingLevel?: 2 | 3;
}) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const target = useTarget();
  const [round, setRound] = useState(0);
  const result = useLoad(
    useCallback((signal: AbortSignal) => fetchResponses(signal, caseId), [caseId]),
    round,
  );
  const shown = useSticky(result);
  const [deciding, setDeciding] = useState<
    { response: MonitorResponse; decision: ResponseDecision } | undefined
  >();
  const [done, setDone] = useState('');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  if (result.state === 'failed') return <ErrorMessage error={result.error} />;
  if (!shown) return <p>{t('loading')}</p>;
  const list = shown
    .filter((response) => caseId === undefined || response.caseId === caseId)
    .sort((a, b) => b.proposedAt.localeCompare(a.proposedAt));

  const decide = async (response: MonitorResponse, decision: ResponseDecision, reason: string) => {
    await decideResponse(response.id, decision, reason);
    const action = t(`response.action.${response.action}`);
    setDone(
      decision === 'confirm'
        ? t('response.confirmed', { action })
        : decision === 'reject'
          ? t('response.rejected')
          : t('response.lifted'),
    );
    setRound((n) => n + 1);
  };

  return (
    <>
      <p role="status" className={done ? 'notice notice-ok' : 'visually-hidden'}>
        {done}
      </p>
      {list.length === 0 ? (
        <p>{t('response.empty')}</p>
      ) : (
        <ul className="cards soc-responses">
          {list.map((response) => (
            <li
              key={response.id}
              className={`panel card soc-response soc-response-${response.state}`}
              data-response={response.action}
              data-state={response.state}
            >
              <div className="card-head">
                <Heading className="card-title">{t(`response.action.${response.action}`)}</Heading>
                <span className="badge">{t(`response.state.${response.state}`)}</span>
              </div>
              <dl className="facts">
                <div>
                  <dt>{t('response.target')}</dt>
                  <dd>
                    {target(response)} <TargetIds response={response} />
                  </dd>
                </div>
                <div>
                  <dt>{t('response.proposedAt')}</dt>
                  <dd>
                    {when(response.proposedAt)} · {t(`response.mode.${response.mode}`)}
                  </dd>
                </div>
                {response.state === 'in-force' && (
                  <div>
                    <dt>{t('response.until')}</dt>
                    <dd>
                      {response.inForceUntil
                        ? when(response.inForceUntil)
                        : t('response.untilLifted')}
                    </dd>
                  </div>
                )}
              </dl>
              <div className="actions">
                {response.state === 'proposed' && (
                  <>
                    <button
                      type="button"
                      className="button button-primary"
                      onClick={() => setDeciding({ response, decision: 'confirm' })}
                    >
                      {t('response.confirm')}
                    </button>
                    <button
                      type="button"
                      className="button button-secondary"
                      onClick={() => setDeciding({ response, decision: 'reject' })}
                    >
                      {t('response.reject')}
                    </button>
                  </>
                )}
                {response.state === 'in-force' && (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => setDeciding({ response, decision: 'lift' })}
                  >
                    {t('response.lift')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {deciding && (
        <ConfirmDialog
          title={t(
            deciding.decision === 'confirm'
              ? 'response.confirmTitle'
              : deciding.decision === 'reject'
                ? 'response.rejectTitle'
                : 'response.liftTitle',
          )}
          confirmLabel={t(`response.${deciding.decision}`)}
          danger={deciding.decision === 'confirm' && DANGEROUS.has(deciding.response.action)}
          {...(deciding.decision === 'confirm' ? {} : { reasonLabel: t('response.reasonLabel') })}
          onConfirm={(reason) => decide(deciding.response, deciding.decision, reason)}
          onClose={() => setDeciding(undefined)}
        >
          <p>
            {t('response.confirmBody', {
              action: t(`response.action.${deciding.response.action}`),
              target: target(deciding.response),
            })}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

export function ResponsesPage() {
  const { t } = useTranslation('soc');
  useConsoleTitle('responses');
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('response.listTitle')}
      </h1>
      <p>{t('response.listIntro')}</p>
      <ResponseList headingLevel={2} />
    </>
  );
}
