/**
 * API keys and staff tokens. A key is `qalqan_sk_<id>_<secret>`: the recognisable prefix lets
 * secret scanners (and our own PII scanner) spot a leaked key; the id finds the record without a
 * table scan; only a keyed hash of the secret is stored, so a database dump yields no usable key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ULID_PATTERN, ulid } from '../core/ids.js';

export type SecretKind = 'sk' | 'st';

export interface IssuedSecret {
  /** The record id (`key_<ulid>` / `stt_<ulid>`). */
  readonly id: string;
  /** The full secret, shown once. */
  readonly secret: string;
  /** The part that may be shown later to recognise the key. */
  readonly displayPrefix: string;
  readonly secretHash: string;
}

const RECORD_PREFIX: Record<SecretKind, string> = { sk: 'key', st: 'stt' };
const PATTERN = new RegExp(`^qalqan_(sk|st)_(${ULID_PATTERN})_([A-Za-z0-9_-]{43})$`);

export function hashSecret(lookupKey: Buffer, secretPart: string): string {
  return createHmac('sha256', lookupKey)
    .update('qalqan/api-secret/v1\n')
    .update(secretPart)
    .digest('hex');
}

export function issueSecret(
  kind: SecretKind,
  lookupKey: Buffer,
  now: number = Date.now(),
): IssuedSecret {
  const id = ulid(now);
  const secretPart = randomBytes(32).toString('base64url');
  return {
    id: `${RECORD_PREFIX[kind]}_${id}`,
    secret: `qalqan_${kind}_${id}_${secretPart}`,
    displayPrefix: `qalqan_${kind}_${id}`,
    secretHash: hashSecret(lookupKey, secretPart),
  };
}

export interface ParsedSecret {
  readonly kind: SecretKind;
  readonly id: string;
  readonly secretPart: string;
}

/** Splits a presented key into its record id and secret part; `undefined` if it is not one of ours. */
export function parseSecret(presented: string): ParsedSecret | undefined {
  const match = PATTERN.exec(presented);
  if (!match) return undefined;
  const kind = match[1] as SecretKind;
  return { kind, id: `${RECORD_PREFIX[kind]}_${match[2]}`, secretPart: match[3]! };
}

export function secretMatches(lookupKey: Buffer, secretPart: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(lookupKey, secretPart), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
