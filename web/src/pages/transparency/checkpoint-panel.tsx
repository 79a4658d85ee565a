import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublishedLog } from '../../api/ledger-api';
import { HashValue } from '../../components/hash-value';
import { encodeBase64, encodeHex } from '../../ledger/encoding';

export function CheckpointPanel({
  log,
  reload,
}: {
  readonly log: PublishedLog;
  readonly reload: ReactNode;
}) {
  const { t } = useTranslation();
  const { checkpoint, key, signature } = log;
  const verified = signature === 'verified';
  return (
    <section aria-labelledby="checkpoint-heading" className="panel" data-state="checkpoint">
      <h2 id="checkpoint-heading">{t('transparency.checkpointHeading')}</h2>
      <p className={`notice ${verified ? 'notice-ok' : 'notice-error'}`} data-signature={signature}>
        {verified ? '✓ ' : '✗ '}
        {t(`transparency.signature.${signature}`)}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('transparency.origin')}</dt>
          <dd>
            <HashValue value={checkpoint.origin} />
          </dd>
        </div>
        <div>
          <dt>{t('transparency.size')}</dt>
          <dd data-field="size">{t('transparency.sizeValue', { count: checkpoint.size })}</dd>
        </div>
        <div>
          <dt>{t('transparency.rootHex')}</dt>
          <dd data-field="root-hex">
            <HashValue value={encodeHex(checkpoint.rootHash)} />
          </dd>
        </div>
        <div>
          <dt>{t('transparency.rootBase64')}</dt>
          <dd>
            <HashValue value={encodeBase64(checkpoint.rootHash)} />
          </dd>
        </div>
        {checkpoint.note.signatures.map((sig, i) => (
          <div key={`${sig.name}-${sig.keyId}-${i}`}>
            <dt>{t('transparency.signer')}</dt>
            <dd>
              <HashValue value={sig.name} />{' '}
              <span className="muted">
                ({t('transparency.keyId')} <HashValue value={sig.keyId} />)
              </span>
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('transparency.verifierKey')}</dt>
          <dd>
            <HashValue value={`${key.name}+${key.keyId}+${encodeBase64(key.keyData)}`} />
          </dd>
        </div>
      </dl>
      {reload}
    </section>
  );
}
