/**
 * The verified mark of one access record, computed in the browser. Two things must hold: what the
 * page shows is what the ledger committed to (every shown field equals its member in the receipt's
 * record, so an answer altered on the way shows as not verified, naming the field), and the
 * receipt itself verifies (`verifyReceipt`: the record hashes to its ledger entry, whose inclusion
 * proof leads to the checkpoint signed by the log's published key).
 */
import { canonicalJson } from '../../ledger/canonical-json';
import type { VerifierKey } from '../../ledger/checkpoint';
import { encodeHex } from '../../ledger/encoding';
import { type ReceiptFailure, verifyReceipt } from '../../ledger/receipt';
import type { Access } from './accesses-api';

/** The ledger type of an access check's record. */
export const ACCESS_ENTRY_TYPE = 'access.check';

export type AccessFailure = ReceiptFailure | 'mismatch' | 'not-an-access';

/** The fields the page shows that the ledger record commits to. */
export const SHOWN_FIELDS = [
  'checkId',
  'at',
  'systemId',
  'operatorId',
  'actor',
  'action',
  'purpose',
  'categories',
  'basis',
  'decision',
  'reasons',
  'recordCount',
  'recipient',
  'country',
] as const;
export type ShownField = (typeof SHOWN_FIELDS)[number];

export type AccessCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: AccessFailure; readonly field?: ShownField };

/** Each shown field and the member of the committed record it must equal. */
const SHOWN: readonly (readonly [ShownField, (a: Access) => unknown, string])[] = [
  ['checkId', (a) => a.checkId, 'check'],
  ['at', (a) => a.at, 'at'],
  ['systemId', (a) => a.systemId, 'system'],
  ['operatorId', (a) => a.operatorId, 'operator'],
  ['actor', (a) => a.actor?.code, 'actor'],
  ['action', (a) => a.action, 'action'],
  ['purpose', (a) => a.purpose, 'purpose'],
  ['categories', (a) => a.categories, 'categories'],
  ['basis', (a) => a.basis, 'basis'],
  ['decision', (a) => a.decision, 'decision'],
  ['reasons', (a) => a.reasons.map((r) => r.code), 'reasons'],
  ['recordCount', (a) => a.recordCount, 'recordCount'],
  ['recipient', (a) => a.recipient, 'recipient'],
  ['country', (a) => a.country, 'country'],
];

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** The first shown field that differs from the committed record, if any. */
export function mismatchedField(access: Access): ShownField | undefined {
  const record = access.receipt?.record;
  if (!record) return undefined;
  for (const [field, shown, member] of SHOWN)
    if (!same(shown(access), record[member])) return field;
  return undefined;
}

export async function verifyAccess(access: Access, key: VerifierKey): Promise<AccessCheck> {
  const receipt = access.receipt;
  if (!receipt) return { ok: false, failure: 'malformed' };
  if (receipt.type !== ACCESS_ENTRY_TYPE || receipt.index !== access.ledgerIndex)
    return { ok: false, failure: 'not-an-access' };
  let field: ShownField | undefined;
  try {
    field = mismatchedField(access);
  } catch {
    return { ok: false, failure: 'malformed' };
  }
  if (field) return { ok: false, failure: 'mismatch', field };
  return verifyReceipt(receipt, key);
}

/**
 * `verifyAccess`, remembered for the same record and key: a record shown again (the list refreshed
 * by the live stream, a search cleared, a page revisited) is not hashed and checked again.
 * Bounded, oldest dropped.
 */
const results = new Map<string, Promise<AccessCheck>>();
const RESULTS_KEPT = 2000;

export function verifyAccessOnce(access: Access, key: VerifierKey): Promise<AccessCheck> {
  const id = `${encodeHex(key.keyData)} ${key.name} ${JSON.stringify(access)}`;
  let result = results.get(id);
  if (!result) {
    result = verifyAccess(access, key);
    results.set(id, result);
    if (results.size > RESULTS_KEPT) results.delete(results.keys().next().value!);
  }
  return result;
}
