import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { useLoad } from '../../hooks/use-load';
import { ConfirmDialog } from './confirm-dialog';
import { LevelBadge, useWhen } from './format';
import { RuleEditor } from './rule-editor';
import { fetchRules, type Rule, setRuleMode } from './soc-api';
import { useStaff } from './soc-session';
import { ruleTitle } from './titles';
import { useSticky } from './use-sticky';
import { useConsoleTitle } from './console-title';

/**
 * The rule list with each rule's hits, its version and where it comes from (the shipped file or
 * the regulator's stored version), and its shadow / active switch (analysts and the regulator);
 * the regulator opens an editor per rule (new version, history with rollback, enable/disable).
 */
export function RulesPage() {
  const { t } = useTranslation('soc');
  useConsoleTitle('rules');
  const when = useWhen();
  const { view } = useStaff();
  const mayswitch =
    view.status === 'ready' &&
    view.signedIn &&
    view.session.roles.some((role) => role === 'soc' || role === 'regulator');
  const [round, setRound] = useState(0);
  const result = useLoad(fetchRules, round);
  const rules = useSticky(result);
  const regulator =
    view.status === 'ready' && view.signedIn && view.session.roles.includes('regulator');
  const [switching, setSwitching] = useState<Rule>();
  const [editing, setEditing] = useState<string>();
  const [done, setDone] = useState('');
  const edited = useCallback((message: string) => {
    setDone(message);
    setRound((n) => n + 1);
  }, []);
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('rules.title')}
      </h1>
      <p>{t('rules.intro')}</p>
      <p role="status" className={done ? 'notice notice-ok' : 'visually-hidden'}>
        {done}
      </p>
      {!rules && result.state === 'loading' && <p>{t('loading')}</p>}
      {result.state === 'failed' && <ErrorMessage error={result.error} />}
      {rules?.length === 0 && <p>{t('rules.empty')}</p>}
      {rules && rules.length > 0 && (
        <ul className="cards soc-rules">
          {rules.map((rule) => (
            <li
              key={rule.id}
              className="panel card"
              data-rule={rule.id}
              data-mode={rule.mode}
              data-version={rule.version}
            >
              <div className="card-head">
                <h2 className="card-title">{ruleTitle(t, rule.id, rule.title)}</h2>
                <span className="soc-badges">
                  <LevelBadge level={rule.level} />
                  <span className={`badge ${rule.mode === 'shadow' ? 'soc-shadow' : 'badge-done'}`}>
                    {t(`rules.mode.${rule.mode}`)}
                  </span>
                  {!rule.enabled && <span className="badge soc-shadow">{t('rules.disabled')}</span>}
                </span>
              </div>
              <p className="muted small">
                <code>{rule.id}</code> · {t('rules.hits', { count: rule.hits })} ·{' '}
                {rule.lastHitAt
                  ? t('rules.lastHit', { time: when(rule.lastHitAt) })
                  : t('rules.never')}
              </p>
              <p className="muted small">
                {rule.source === 'shipped'
                  ? t('rules.shipped', { version: rule.version })
                  : t('rules.stored', { version: rule.version })}
              </p>
              {rule.problems.length > 0 && (
                <p className="field-error">
                  {t('rules.notLoaded')} <span lang="en">{rule.problems.join('; ')}</span>
                </p>
              )}
              {mayswitch && (
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => setSwitching(rule)}
                >
                  {rule.mode === 'active' ? t('rules.toShadow') : t('rules.toActive')}
                </button>
              )}{' '}
              {regulator && (
                <button
                  type="button"
                  className="button button-secondary"
                  aria-expanded={editing === rule.id}
                  onClick={() => setEditing(editing === rule.id ? undefined : rule.id)}
                >
                  {editing === rule.id ? t('rules.closeEditor') : t('rules.edit')}
                </button>
              )}
              {regulator && editing === rule.id && (
                <RuleEditor
                  key={`${rule.id}@${rule.version}`}
                  ruleId={rule.id}
                  onChanged={edited}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {switching && (
        <ConfirmDialog
          title={t('rules.switchTitle', {
            rule: ruleTitle(t, switching.id, switching.title),
            mode: t(`rules.mode.${switching.mode === 'active' ? 'shadow' : 'active'}`),
          })}
          confirmLabel={switching.mode === 'active' ? t('rules.toShadow') : t('rules.toActive')}
          reasonLabel={t('rules.reasonLabel')}
          onConfirm={async (reason) => {
            const next = switching.mode === 'active' ? 'shadow' : 'active';
            await setRuleMode(switching.id, next, reason);
            setDone(
              t('rules.switched', {
                rule: ruleTitle(t, switching.id, switching.title),
                mode: t(`rules.mode.${next}`),
              }),
            );
            setRound((n) => n + 1);
          }}
          onClose={() => setSwitching(undefined)}
        />
      )}
    </>
  );
}
