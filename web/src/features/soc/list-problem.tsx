import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/error-message';
import { showsServerDetail, wordedProblemOf } from './lists-model';

/** A refusal in the reader's language when the page knows its code; the shared message if not. */
export function ListProblem({ error }: { readonly error: unknown }) {
  const { t } = useTranslation('soc');
  const worded = wordedProblemOf(error);
  if (!worded || !(error instanceof ApiError)) return <ErrorMessage error={error} />;
  const problem = error.failure.kind === 'problem' ? error.failure.problem : undefined;
  return (
    <div className="notice notice-error" role="alert" data-problem={problem?.code ?? worded}>
      <p className="notice-title">{t(`lists.problem.${worded}`)}</p>
      {/* Which field or value the server refused is in its detail, in English; it never holds an IIN. */}
      {showsServerDetail(worded) && problem?.detail && <p lang="en">{problem.detail}</p>}
      {(problem?.code ?? problem?.requestId) && (
        <p className="muted small">
          {problem.code && <code>{problem.code}</code>}
          {problem.code && problem.requestId && ' · '}
          {problem.requestId && <code>{problem.requestId}</code>}
        </p>
      )}
    </div>
  );
}
