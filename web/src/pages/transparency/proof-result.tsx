import { useTranslation } from 'react-i18next';
import type { EntryVerification } from '../../api/ledger-api';
import { HashValue } from '../../components/hash-value';
import type { Checkpoint } from '../../ledger/checkpoint';
import { encodeHex } from '../../ledger/encoding';

export function ProofResult({
  result,
  checkpoint,
}: {
  readonly result: EntryVerification;
  readonly checkpoint: Checkpoint;
}) {
  const { t } = useTranslation();
  const { inclusion } = result;
  return (
    <article className="proof-result" aria-labelledby="proof-result-heading">
      <h3 id="proof-result-heading">{t('proof.resultHeading', { index: result.index })}</h3>
      <div
        className={`notice ${inclusion.ok ? 'notice-ok' : 'notice-error'}`}
        data-verified={inclusion.ok}
      >
        <p className="notice-title">
          {inclusion.ok
            ? `✓ ${t('proof.verified', { index: result.index })}`
            : `✗ ${t('proof.notVerified', { index: result.index })}`}
        </p>
        {!inclusion.ok && <p>{t(`proof.reason.${inclusion.reason}`)}</p>}
      </div>
      <dl className="facts">
        <div>
          <dt>
            {t('proof.entryBytes')}{' '}
            <span className="muted">({t('proof.entrySize', { count: result.entry.length })})</span>
          </dt>
          <dd>
            <HashValue value={encodeHex(result.entry)} />
          </dd>
        </div>
        <div>
          <dt>{t('proof.leafHash')}</dt>
          <dd>
            <HashValue value={encodeHex(result.leafHash)} />
          </dd>
        </div>
      </dl>
      <h4>{t('proof.path')}</h4>
      {result.proof.hashes.length === 0 ? (
        <p>{t('proof.noPath')}</p>
      ) : (
        <ol className="proof-path">
          {inclusion.steps.map((step, i) => (
            <li key={i}>
              <p className="step-title">
                {step.side === 'left'
                  ? t('proof.stepLeft', { step: i + 1 })
                  : t('proof.stepRight', { step: i + 1 })}
              </p>
              <HashValue value={encodeHex(step.sibling)} />
              <p className="muted small">{t('proof.stepResult')}</p>
              <HashValue value={encodeHex(step.result)} />
            </li>
          ))}
        </ol>
      )}
      <dl className="facts">
        {inclusion.root && (
          <div>
            <dt>{t('proof.computedRoot')}</dt>
            <dd>
              <HashValue value={encodeHex(inclusion.root)} />
            </dd>
          </div>
        )}
        <div>
          <dt>{t('proof.checkpointRoot')}</dt>
          <dd>
            <HashValue value={encodeHex(checkpoint.rootHash)} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
