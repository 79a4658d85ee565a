import { useTranslation } from 'react-i18next';

export type Labels = Readonly<Record<'kk' | 'ru' | 'en', string>>;

/** A name in the reader's language (English for any other); undefined without a name. */
export function nameIn(
  name: string | Labels | undefined,
  language: string | undefined,
): string | undefined {
  if (typeof name === 'string' || name === undefined) return name;
  return language === 'kk' || language === 'ru' ? name[language] : name.en;
}

/** What an analyst reads for a system, an operator or an actor: a name, and the id in small print. */
export function Named({
  name,
  id,
}: {
  readonly name?: string | Labels | undefined;
  readonly id: string;
}) {
  const { i18n } = useTranslation('soc');
  const text = nameIn(name, i18n.resolvedLanguage);
  // Without a name (a system the registry no longer knows) the id is all there is.
  if (!text) return <code>{id}</code>;
  return (
    <>
      <span className="soc-name">{text}</span>{' '}
      <small className="muted">
        <code>{id}</code>
      </small>
    </>
  );
}

/** An actor: the opaque per-operator code (as citizens see it), the operator's own id in small print. */
export function Actor({ code, id }: { readonly code?: string | undefined; readonly id: string }) {
  if (!code) return <code>{id}</code>;
  return (
    <>
      <code className="soc-name">{code}</code>{' '}
      <small className="muted">
        <code>{id}</code>
      </small>
    </>
  );
}
