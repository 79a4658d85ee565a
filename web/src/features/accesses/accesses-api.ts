/** `GET /v1/me/accesses`: checks about the citizen, newest first, with their ledger receipts. */
import { answer, type AnswerOf, api } from '../../api/client';

/** One record of the timeline, as the API's schema describes it. */
export type Access = AnswerOf<'/v1/me/accesses', 'get'>['items'][number];

export interface AccessFilter {
  readonly decision?: 'permit' | 'deny';
  readonly purpose?: string;
  readonly from?: string;
  readonly to?: string;
  /** Words every record must hold, searched by the API over all the citizen's records. */
  readonly search?: string;
}

export async function fetchAccesses(
  filter: AccessFilter,
  cursor: string | undefined,
  limit: number,
  signal?: AbortSignal,
): Promise<{ items: Access[]; next: string | null }> {
  return answer(
    api.GET('/v1/me/accesses', {
      params: { query: { ...filter, limit, ...(cursor ? { cursor } : {}) } },
      signal,
    }),
  );
}

/** Every access matching the filter (for export), page by page, up to `max`. */
export async function fetchAllAccesses(filter: AccessFilter, max = 10_000): Promise<Access[]> {
  const all: Access[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchAccesses(filter, cursor, 100);
    all.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor && all.length < max);
  return all;
}

const CSV_COLUMNS = [
  'at',
  'operator',
  'operatorId',
  'system',
  'systemId',
  'purpose',
  'categories',
  'legalBasis',
  'basisReference',
  'decision',
  'recipient',
  'country',
  'ledgerIndex',
] as const;

const csvCell = (value: string) =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/**
 * RFC 4180 CSV of the accesses, one row each: who by name (the operator's in `lang`, as the
 * registry has it now; empty for a system no longer registered) beside the ids the log keeps.
 */
export function accessesCsv(items: readonly Access[], lang: 'kk' | 'ru' | 'en'): string {
  const rows = items.map((a) =>
    [
      a.at,
      a.operatorName?.[lang] ?? '',
      a.operatorId,
      a.systemName ?? '',
      a.systemId,
      a.purpose,
      a.categories.join(' '),
      a.legalBasis,
      a.basisReference ?? '',
      a.decision,
      a.recipient ? a.recipient.name : '',
      a.country ?? '',
      a.ledgerIndex === null ? '' : String(a.ledgerIndex),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
