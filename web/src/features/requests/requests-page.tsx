import { useTranslation } from 'react-i18next';
import { RequestList } from '../../components/request-list';
import { useDocumentTitle } from '../../hooks/use-document-title';

export function RequestsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('requests.documentTitle'));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('requests.title')}
      </h1>
      <p className="lead">{t('requests.intro')}</p>
      <RequestList />
    </>
  );
}
