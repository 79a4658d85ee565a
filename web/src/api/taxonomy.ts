/**
 * The taxonomy's labels (`GET /v1/taxonomy`, public): each purpose and category of data by its
 * code, in kk / ru / en, for pages whose records hold only codes (consents, requests, accesses).
 * Read once per page load; a failed read is tried again by the next page that asks, and until
 * then the codes are shown.
 */
import { answer, type AnswerOf, api } from './client';

export type Taxonomy = AnswerOf<'/v1/taxonomy', 'get'>;

let loading: Promise<Taxonomy | undefined> | undefined;
let loaded: Taxonomy | undefined;

export function loadTaxonomy(): Promise<Taxonomy | undefined> {
  loading ??= answer(api.GET('/v1/taxonomy')).then(
    (taxonomy) => (loaded = taxonomy),
    () => {
      loading = undefined;
      return undefined;
    },
  );
  return loading;
}

/** The taxonomy if it has arrived. */
export const taxonomyNow = (): Taxonomy | undefined => loaded;
