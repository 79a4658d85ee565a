/**
 * The server's secrets, resolved once at start: from the environment (production) or from key
 * files generated into `<dataDir>/secrets/` on first start (development and the demo).
 */
import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { createFieldCipher, type FieldCipher } from './field-cipher.js';
import { decodeKey, readOrCreateKeyFile } from './key-files.js';
import { createPseudonymizer, type Pseudonymizer } from './pseudonym.js';

export interface Secrets {
  readonly pseudonymOf: Pseudonymizer;
  readonly fields: FieldCipher;
  /** Key for keyed hashes of credentials and other non-personal lookups. */
  readonly lookupKey: Buffer;
}

export function secretsDir(dataDir: string): string {
  return path.join(dataDir, 'secrets');
}

export function loadSecrets(config: Pick<Config, 'dataDir' | 'secrets'>): Secrets {
  const dir = secretsDir(config.dataDir);
  const pseudonymKey = config.secrets.pseudonymKey
    ? decodeKey(config.secrets.pseudonymKey, 'QALQAN_PSEUDONYM_KEY')
    : readOrCreateKeyFile(path.join(dir, 'pseudonym.key'));
  const fieldKey = config.secrets.fieldKey
    ? decodeKey(config.secrets.fieldKey, 'QALQAN_FIELD_KEY')
    : readOrCreateKeyFile(path.join(dir, 'field.key'));
  const previous = config.secrets.previousFieldKeys.map((key, i) =>
    decodeKey(key, `QALQAN_FIELD_KEYS_PREVIOUS[${i}]`),
  );
  // Derived (HKDF) rather than configured: one less secret to manage, and still independent of
  // the pseudonym key for any practical purpose.
  const lookupKey = Buffer.from(
    hkdfSync('sha256', pseudonymKey, Buffer.alloc(0), 'qalqan/lookup-key/v1', 32),
  );
  return {
    pseudonymOf: createPseudonymizer(pseudonymKey),
    fields: createFieldCipher(fieldKey, previous),
    lookupKey,
  };
}
