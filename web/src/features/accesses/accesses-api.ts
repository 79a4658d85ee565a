/** `GET /v1/me/accesses`: checks about the citizen, newest first, with their ledger receipts. */
import { getJson } from '../../api/http';
import type { LedgerReceipt } from '../../ledger/receipt';

export interface Access {
  readonly checkId: string;
  readonly at: string;
  readonly systemId: string;
  readonly operatorId: string;
  /** The operator's opaque code for the person who acted, never a name. */
  readonly actor?: { readonly code: string };
  readonly action: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly legalBasis: string;
  readonly basisReference?: string;
  /** The basis the decision rested on, as committed to the ledger. */
  readonly basis?: {
    readonly kind: string;
    readonly reference?: string;
    readonly groundReference?: string;
    readonly consentId?: string;
    readonly regimeId?: string;
  };
  readonly decision: string;
  readonly reasons: readonly { code: string; message: Record<string, string> }[];
  readonly recordCount?: number;
  readonly recipient?: { name: string; country: string };
  readonly country?: string;
  readonly ledgerIndex: number | null;
  readonly receipt: LedgerReceipt | null;
}

export interface AccessFilter {
  readonly decision?: 'permit' | 'deny';
  readonly purpose?: string;
  readonly from?: string;
  readonly to?: string;
}

export async function fetchAccesses(
  filter: AccessFilter,
  cursor: string | undefined,
  limit: number,
  signal?: AbortSignal,
): Promise<{ items: Access[]; next: string | null }> {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, String(value));
  if (cursor) query.set('cursor', cursor);
  return (await getJson(`/v1/me/accesses?${query.toString()}`, signal)) as {
    items: Access[];
    next: string | null;
  };
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
  'operatorId',
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

/** RFC 4180 CSV of the accesses, one row each. */
export function accessesCsv(items: readonly Access[]): string {
  const rows = items.map((a) =>
    [
      a.at,
      a.operatorId,
      a.systemId,
      a.purpose,
      a.categories.join(' '),
      a.legalBasis,
      a.basisReference ?? '',
      a.decision,
      a.recipient ? `${a.recipient.name} (${a.recipient.country})` : '',
      a.country ?? '',
      a.ledgerIndex === null ? '' : String(a.ledgerIndex),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
