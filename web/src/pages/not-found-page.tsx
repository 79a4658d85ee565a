import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../hooks/use-document-title';
import { Link, PATHS } from '../app/router';

export function NotFoundPage({ path }: { readonly path: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.documentTitle'));
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {t('notFound.title')}
      </h1>
      <p>{t('notFound.body', { path })}</p>
      <p>
        <Link to={PATHS.home}>{t('notFound.home')}</Link>
      </p>
    </>
  );
}
