import type { TFunction } from 'i18next';

/** The console's pages of one record, each opened by the id in its address. */
export type RecordPage = 'alert' | 'case' | 'incident';

/**
 * The refusals of loading an alert, a case or an incident by the id in the page's address, worded
 * in the reader's language for the shared error message (its code and request id stay shown for
 * support). The server's English names the record ("No such alert") or, for an id not of the
 * record's form, the route's parameter and its pattern — neither of which the reader typed as such.
 */
export function recordRefusals(
  t: TFunction<'soc'>,
  page: RecordPage,
): Readonly<Record<string, string>> {
  const notFound = t(`${page}.notFound`);
  return {
    [`monitor.${page}_not_found`]: notFound,
    // An id the router could not place (a slash in it, say) answers as no such resource.
    'request.not_found': notFound,
    'request.validation': t(`${page}.badId`),
  };
}
