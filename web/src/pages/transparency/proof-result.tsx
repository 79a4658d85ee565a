import { useTranslation } from 'react-i18next';
import type { EntryVerification } from '../../api/ledger-api';
import { HashValue } from '../../components/hash-value';
import type { Checkpoint } from '../../ledger/checkpoint';
import { encodeHex } from '../../ledger/encoding';

export function ProofResult({
  result,
  checkpoint,
  signed,
}: {
  readonly result: EntryVerification;
  readonly checkpoint: Checkpoint;
  /** Whether the checkpoint's signature verified; without it the entry is not verified. */
  readonly signed: boolean;
}) {
  const { t } = useTranslation();
  const { inclusion } = result;
  // A proof that leads to the root of a checkpoint whose signature failed proves only that the
  // server's answers agree with each other: whoever forged the root could forge the path.
  const verified = inclusion.ok && signed;
  return (
    <article className="proof-result" aria-labelledby="proof-result-heading">
      <h3 id="proof-result-heading">{t('proof.resultHeading', { index: result.index })}</h3>
      <div className={`notice ${verified ? 'notice-ok' : 'notice-error'}`} data-verified={verified}>
        <p className="notice-title">
          {verified
            ? `✓ ${t('proof.verified', { index: result.index })}`
            : `✗ ${t('proof.notVerified', { index: result.index })}`}
        </p>
        {!inclusion.ok && <p>{t(`proof.reason.${inclusion.reason}`)}</p>}
        {inclusion.ok && !signed && <p>{t('proof.unsignedCheckpoint')}</p>}
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
