import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { toLatinLookalikes } from './detectors/text-utils.js';
import type { PiiType } from './types.js';

function isAlnumCode(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    ((c | 32) >= 97 && (c | 32) <= 122) ||
    (c >= 0x400 && c <= 0x52f) ||
    (c >= 0xc0 && c <= 0x24f)
  );
}

/**
 * Masks a value for display: keeps the first characters that say what it is (`9005` of an IIN
 * is a birth month, shared by many people) and replaces every other letter or digit by `*`.
 * Separators stay, so the masked value has the same length as the original: that lets the
 * redactor rewrite a file in place and keeps CSV columns and WhatsApp lines aligned.
 *
 * @example
 * maskValue('iin', '900515201238'); // '9005********'
 * maskValue('phone', '+7 701 123 45 67'); // '+7 70* *** ** **'
 * maskValue('email', 'aigerim@mail.kz'); // 'a******@mail.kz'
 */
export function maskValue(type: PiiType, value: string): string {
  if (type === 'email') {
    const at = value.indexOf('@');
    return maskLocalPart(value.slice(0, at)) + value.slice(at);
  }
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnumCode(value.charCodeAt(i))) alnum++;
  const keep = alnum >= 12 ? 4 : Math.floor(alnum / 3);
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isAlnumCode(c) && seen++ >= keep) out += '*';
    else out += value[i];
  }
  return out;
}

function isAsciiDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The canonical form of a value, so that differently written equal values hash equally. */
export function normaliseValue(type: PiiType, value: string): string {
  switch (type) {
    case 'phone': {
      const digits = value.replace(/\D/g, '');
      return digits.startsWith('8') ? `7${digits.slice(1)}` : digits;
    }
    case 'iin':
    case 'bin':
    case 'card':
    case 'id-card':
      return isAsciiDigits(value) ? value : value.replace(/\D/g, '');
    case 'iban':
    case 'vin':
    case 'mrz':
      return value.replace(/[\s-]/g, '').toUpperCase();
    case 'passport':
    case 'plate':
      return toLatinLookalikes(value.toUpperCase()).replace(/\s/g, '');
    case 'email':
    case 'ip':
    case 'health':
      return value.trim().toLowerCase();
  }
}

/** Computes keyed hashes of values. */
export interface ValueHasher {
  hash(type: PiiType, value: string): string;
}

/**
 * A keyed hash (HMAC-SHA-256, truncated to 128 bits, hex) of the normalised value. Keyed, not a
 * bare SHA-256, because the IIN space is small (a birth date and a serial): an unkeyed hash of
 * an IIN can be reversed by enumerating it. Without a key each run draws a random one, so
 * hashes correlate within one report but not across runs.
 *
 * @example
 * const hasher = createValueHasher('team-secret');
 * hasher.hash('phone', '+7 701 123 45 67') === hasher.hash('phone', '87011234567'); // true
 */
export function createValueHasher(key?: string | Uint8Array): ValueHasher {
  const raw = key === undefined || key.length === 0 ? randomBytes(32) : key;
  // A KeyObject is prepared once; passing raw bytes to every createHmac costs a third more.
  const secret = createSecretKey(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
  const hmac = (message: string) =>
    createHmac('sha256', secret).update(message).digest('hex').slice(0, 32);
  // Health findings are words from a fixed list («диагноз», «ВИЧ», …): a few distinct values,
  // each found thousands of times, so their hashes are kept (bounded: cleared when full). Other
  // types are not cached: identifiers in an export are mostly distinct, and on the benchmark a
  // cache for every type cost as much on misses as it saved on repeats.
  const termHashes = new Map<string, string>();
  return {
    hash(type: PiiType, value: string): string {
      const message = `${type}:${normaliseValue(type, value)}`;
      if (type !== 'health') return hmac(message);
      let hash = termHashes.get(message);
      if (hash === undefined) {
        hash = hmac(message);
        if (termHashes.size >= TERM_HASHES) termHashes.clear();
        termHashes.set(message, hash);
      }
      return hash;
    },
  };
}

/** Distinct health words whose hashes are kept. */
const TERM_HASHES = 1024;

/**
 * Masks what may be a value in a name shown as a location — a JSON key, a CSV header that is
 * really a first data row, a chat or an author that WhatsApp and Telegram name by phone number:
 * when the name holds seven digits or more, every digit after the fourth is starred; the local
 * part of an address is starred too.
 *
 * @example
 * guardKey('900515201238'); // '9005********'
 * guardKey('+7 701 123 45 67'); // '+7 701 *** ** **'
 * guardKey('Айгерим'); // 'Айгерим'
 */
export function guardKey(key: string): string {
  let out = key;
  if ((key.match(/\d/g)?.length ?? 0) >= 7) {
    let seen = 0;
    out = key.replace(/\d/g, (d) => (++seen > 4 ? '*' : d));
  }
  return out.replace(/([^\s@"]+)@/g, (_m, local: string) => `${maskLocalPart(local)}@`);
}

/**
 * The local part of an e-mail address with all but its first character starred; a local part of
 * one character is starred whole, or `a@mail.kz` would be shown in full.
 */
function maskLocalPart(local: string): string {
  return local.length < 2 ? '*'.repeat(local.length) : local[0] + '*'.repeat(local.length - 1);
}
