import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { ConfirmDialog } from './confirm-dialog';
import { useWhen } from './format';
import {
  fetchRuleDetail,
  fetchRuleVersions,
  issuesOf,
  type RuleDetail,
  type RuleIssue,
  type RuleVersion,
  rollbackRule,
  saveRuleVersion,
  setRuleEnabled,
} from './rules-api';
import { ruleTitle } from './titles';

/** Where line `line` starts in `text` (for moving the caret to a problem). */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/**
 * The regulator's editor for one rule: its YAML in a text area, saved as a new version (the
 * server vets it; problems are listed with their line, and choosing one moves the caret there),
 * the version history with rollback, and the enabled switch. Every change asks a reason, which
 * goes to the ledger.
 */
export function RuleEditor({
  ruleId,
  onChanged,
}: {
  readonly ruleId: string;
  /** After a change: the rule list reloads. */
  readonly onChanged: (message: string) => void;
}) {
  const { t } = useTranslation('soc');
  const when = useWhen();
  const ids = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const issuesRef = useRef<HTMLDivElement>(null);
  const [detail, setDetail] = useState<RuleDetail>();
  const [versions, setVersions] = useState<RuleVersion[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [content, setContent] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<RuleIssue[]>([]);
  const [saveError, setSaveError] = useState<unknown>();
  const [rollingBack, setRollingBack] = useState<RuleVersion>();
  const [switching, setSwitching] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      fetchRuleDetail(ruleId, controller.signal),
      fetchRuleVersions(ruleId, controller.signal),
    ]).then(
      ([rule, list]) => {
        if (controller.signal.aborted) return;
        setDetail(rule);
        setVersions(list);
        setContent(rule.content ?? '');
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoadError(error);
      },
    );
    return () => controller.abort();
  }, [ruleId, round]);

  const changed = useCallback(
    (message: string) => {
      setRound((n) => n + 1);
      onChanged(message);
    },
    [onChanged],
  );

  function goTo(issue: RuleIssue & { kind: 'line' }) {
    const element = area.current;
    if (!element) return;
    const start = offsetOfLine(content, issue.line) + Math.max(0, issue.column - 1);
    element.focus();
    element.setSelectionRange(start, start);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!detail || busy) return;
    setBusy(true);
    setIssues([]);
    setSaveError(undefined);
    try {
      const saved = await saveRuleVersion(ruleId, content, reason.trim(), detail.version);
      setReason('');
      changed(
        t('rules.editor.saved', {
          rule: ruleTitle(t, saved.id, saved.title),
          version: saved.version,
        }),
      );
    } catch (error) {
      const found = issuesOf(error);
      setIssues(found);
      setSaveError(error);
      // The list of problems takes the focus so a screen reader reads it at once.
      requestAnimationFrame(() => issuesRef.current?.focus());
    } finally {
      setBusy(false);
    }
  }

  if (loadError) return <ErrorMessage error={loadError} />;
  if (!detail || !versions) return <p>{t('loading')}</p>;
  const title = ruleTitle(t, detail.id, detail.title);
  const contentId = `${ids}-content`;
  const reasonId = `${ids}-reason`;
  const lineIssues = issues.filter((i): i is RuleIssue & { kind: 'line' } => i.kind === 'line');
  const testIssues = issues.filter((i): i is RuleIssue & { kind: 'test' } => i.kind === 'test');
  return (
    <section className="soc-rule-editor" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('rules.editor.title', { rule: title })}</h3>
      {detail.content === null ? (
        <p>{t('rules.editor.noText')}</p>
      ) : (
        <form onSubmit={(event) => void save(event)} noValidate>
          <div className="field soc-field soc-yaml">
            <label htmlFor={contentId}>{t('rules.editor.content')}</label>
            <p id={`${contentId}-hint`} className="muted small">
              {t('rules.editor.hint')}
            </p>
            <textarea
              id={contentId}
              ref={area}
              value={content}
              onChange={(event) => setContent(event.target.value)}
              rows={18}
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              aria-describedby={`${contentId}-hint${issues.length > 0 ? ` ${ids}-issues` : ''}`}
              aria-invalid={lineIssues.length > 0 || undefined}
            />
          </div>
          <div className="field soc-field">
            <label htmlFor={reasonId}>{t('rules.editor.reason')}</label>
            <input
              id={reasonId}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={500}
              required
            />
          </div>
          {saveError !== undefined && (
            <div
              id={`${ids}-issues`}
              ref={issuesRef}
              tabIndex={-1}
              role="alert"
              className="notice notice-error soc-rule-issues"
            >
              {issues.length === 0 ? (
                <ErrorMessage error={saveError} />
              ) : (
                <>
                  <p>
                    {lineIssues.length > 0
                      ? t('rules.editor.invalid')
                      : t('rules.editor.testsFailed')}
                  </p>
                  <ul>
                    {lineIssues.map((issue, index) => (
                      <li key={`l${index}`}>
                        <button type="button" className="link-button" onClick={() => goTo(issue)}>
                          {t('rules.editor.at', { line: issue.line, column: issue.column })}
                        </button>{' '}
                        <span lang="en">{issue.text}</span>
                      </li>
                    ))}
                    {testIssues.map((issue, index) => (
                      <li key={`t${index}`}>
                        <code>{issue.ruleId}</code>: <span lang="en">{issue.text}</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          <p>
            <button
              type="submit"
              className="button"
              disabled={busy || reason.trim() === '' || content.trim() === ''}
            >
              {busy ? t('rules.editor.saving') : t('rules.editor.save')}
            </button>{' '}
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setSwitching(true)}
            >
              {detail.enabled ? t('rules.editor.disable') : t('rules.editor.enable')}
            </button>
          </p>
        </form>
      )}
      <h4>{t('rules.editor.history')}</h4>
      <div className="soc-versions-scroll">
        <table className="soc-versions">
          <caption className="visually-hidden">
            {t('rules.editor.historyCaption', { rule: title })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('rules.editor.version')}</th>
              <th scope="col">{t('rules.editor.change')}</th>
              <th scope="col">{t('rules.editor.who')}</th>
              <th scope="col">{t('rules.editor.hash')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('rules.editor.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((version) => (
              <tr key={version.version} data-version={version.version}>
                <th scope="row">
                  {version.version}
                  {version.current && <> · {t('rules.editor.current')}</>}
                </th>
                <td>
                  {t(`rules.editor.action.${version.action}`, {
                    version: version.restoredFrom ?? 0,
                  })}
                  {version.reason && <div className="muted small">{version.reason}</div>}
                </td>
                <td>
                  {version.createdBy ?? t('none')}
                  {version.createdAt && (
                    <div className="muted small">{when(version.createdAt)}</div>
                  )}
                </td>
                <td>
                  {version.contentHash ? (
                    <code title={version.contentHash}>{version.contentHash.slice(0, 12)}</code>
                  ) : (
                    t('none')
                  )}
                </td>
                <td>
                  {!version.current && version.contentHash !== null && (
                    <button
                      type="button"
                      className="button button-secondary"
                      onClick={() => setRollingBack(version)}
                    >
                      {t('rules.editor.rollback', { version: version.version })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rollingBack && (
        <ConfirmDialog
          title={t('rules.editor.rollbackTitle', {
            rule: title,
            version: rollingBack.version,
          })}
          confirmLabel={t('rules.editor.rollback', { version: rollingBack.version })}
          reasonLabel={t('rules.editor.reason')}
          onConfirm={async (why) => {
            const saved = await rollbackRule(ruleId, rollingBack.version, why);
            changed(
              t('rules.editor.saved', {
                rule: ruleTitle(t, saved.id, saved.title),
                version: saved.version,
              }),
            );
          }}
          onClose={() => setRollingBack(undefined)}
        />
      )}
      {switching && (
        <ConfirmDialog
          title={
            detail.enabled
              ? t('rules.editor.disableTitle', { rule: title })
              : t('rules.editor.enableTitle', { rule: title })
          }
          confirmLabel={detail.enabled ? t('rules.editor.disable') : t('rules.editor.enable')}
          reasonLabel={t('rules.editor.reason')}
          danger={detail.enabled}
          onConfirm={async (why) => {
            const saved = await setRuleEnabled(ruleId, !detail.enabled, why);
            changed(
              saved.enabled
                ? t('rules.editor.enabled', { rule: ruleTitle(t, saved.id, saved.title) })
                : t('rules.editor.disabled', { rule: ruleTitle(t, saved.id, saved.title) }),
            );
          }}
          onClose={() => setSwitching(false)}
        />
      )}
    </section>
  );
}
