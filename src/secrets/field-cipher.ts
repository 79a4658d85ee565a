/**
 * AES-256-GCM for the few fields that must keep an identifier in clear form for its owner (an
 * IIN to show to the citizen, a contact to notify). Ciphertexts name the key that made them, so
 * keys can be rotated: new writes use the current key, old ones still decrypt with the previous.
 * The associated data binds a ciphertext to its place (table, column, row id): a value copied
 * into another row does not decrypt there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'f1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface FieldCipher {
  /** Returns `f1.<keyId>.<base64url(iv‖ciphertext‖tag)>`. */
  encrypt(plaintext: string, context: string): string;
  /** @throws Error when the value was tampered with, moved to another context or the key is unknown. */
  decrypt(sealed: string, context: string): string;
  readonly currentKeyId: string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('qalqan/field-key-id/v1\n')
    .update(key)
    .digest('hex')
    .slice(0, 8);
}

/**
 * @example
 * const cipher = createFieldCipher(currentKey, [previousKey]);
 * const sealed = cipher.encrypt('900515201238', 'subjects.iin:p1_abc');
 * cipher.decrypt(sealed, 'subjects.iin:p1_abc'); // '900515201238'
 */
export function createFieldCipher(current: Buffer, previous: readonly Buffer[] = []): FieldCipher {
  for (const key of [current, ...previous]) {
    if (key.length !== 32) throw new RangeError('field keys must be 32 bytes (AES-256)');
  }
  const keys = new Map<string, Buffer>();
  for (const key of [...previous, current]) keys.set(keyIdOf(key), key);
  const currentKeyId = keyIdOf(current);

  return {
    currentKeyId,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}.${currentKeyId}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    decrypt(sealed, context) {
      const [version, keyId, payload, ...rest] = sealed.split('.');
      if (version !== VERSION || !keyId || payload === undefined || rest.length > 0) {
        throw new Error('not a sealed field value');
      }
      const key = keys.get(keyId);
      if (!key) throw new Error(`sealed with unknown key ${keyId}`);
      const raw = Buffer.from(payload, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed field value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
