import { chmodSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fifoWithWriter } from '../../test/support/fifo.js';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { loadConfig } from '../config/config.js';
import { createFieldCipher } from './field-cipher.js';
import { decodeKey, readKeyFile, readOrCreateKeyFile, SecretError } from './key-files.js';
import { createPseudonymizer } from './pseudonym.js';
import { loadSecrets } from './secrets.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-secrets-');

describe('pseudonyms', () => {
  const key = randomBytes(32);
  const pseudonymOf = createPseudonymizer(key);

  it('are stable under one key, differ under another and never contain the IIN', () => {
    const a = pseudonymOf('900515201238');
    expect(a).toMatch(/^p1_[A-Za-z0-9_-]{43}$/);
    expect(pseudonymOf('900515201238')).toBe(a);
    expect(createPseudonymizer(randomBytes(32))('900515201238')).not.toBe(a);
    expect(pseudonymOf('850412100405')).not.toBe(a);
    expect(a).not.toContain('900515');
  });

  it('refuse invalid IINs with the reason', () => {
    expect(() => pseudonymOf('900515201239')).toThrow('IIN check digit is 9, expected 8');
  });

  it('refuse short keys', () => {
    expect(() => createPseudonymizer(randomBytes(16))).toThrow('at least 32 bytes');
  });
});

describe('field cipher', () => {
  const current = randomBytes(32);
  const cipher = createFieldCipher(current);

  it('round-trips any text bound to its context', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 40 }), (plaintext, context) => {
        expect(cipher.decrypt(cipher.encrypt(plaintext, context), context)).toBe(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('900515201238', 'c')).not.toBe(cipher.encrypt('900515201238', 'c'));
  });

  it('refuses a value moved to another context or tampered with', () => {
    const sealed = cipher.encrypt('900515201238', 'subjects.iin:p1_a');
    expect(() => cipher.decrypt(sealed, 'subjects.iin:p1_b')).toThrow();
    const raw = Buffer.from(sealed.split('.')[2]!, 'base64url');
    raw[14]! ^= 1;
    expect(() =>
      cipher.decrypt(`f1.${cipher.currentKeyId}.${raw.toString('base64url')}`, 'subjects.iin:p1_a'),
    ).toThrow();
    expect(() => cipher.decrypt('f1.abc', 'x')).toThrow('not a sealed field value');
    expect(() => cipher.decrypt(`f1.${cipher.currentKeyId}.AAAA`, 'x')).toThrow('truncated');
  });

  it('rotates keys: old values still decrypt, new ones use the new key', () => {
    const sealedOld = cipher.encrypt('old secret', 'ctx');
    const rotated = createFieldCipher(randomBytes(32), [current]);
    expect(rotated.decrypt(sealedOld, 'ctx')).toBe('old secret');
    expect(rotated.encrypt('new', 'ctx').split('.')[1]).toBe(rotated.currentKeyId);
    expect(() => createFieldCipher(randomBytes(32)).decrypt(sealedOld, 'ctx')).toThrow(
      'unknown key',
    );
  });
});

describe('key files', () => {
  it('are generated once with mode 0600 in a 0700 directory and then reused', () => {
    const dir = tempDir();
    const file = path.join(dir, 'secrets', 'k.key');
    const first = readOrCreateKeyFile(file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readOrCreateKeyFile(file)).toEqual(first);
  });

  it('refuses a key file in the secrets that is not a regular file or is over 64 KiB, naming it', () => {
    const dataDir = tempDir();
    mkdirSync(path.join(dataDir, 'secrets'), { mode: 0o700 });
    const pipe = path.join(dataDir, 'secrets', 'pseudonym.key');
    const stop = fifoWithWriter(pipe);
    try {
      expect(() => loadSecrets(loadConfig({ QALQAN_DATA_DIR: dataDir }))).toThrow(
        new SecretError(`key file ${pipe} is not a regular file (a FIFO)`),
      );
    } finally {
      stop();
    }
    const big = path.join(tempDir(), 'big.key');
    writeFileSync(big, '', { mode: 0o600 });
    truncateSync(big, 64 * 1024 + 1);
    expect(() => readKeyFile(big)).toThrow(
      new SecretError(`key file ${big} is larger than 64 KiB, the limit for a key file`),
    );
  });

  it('refuses a key file others can read', () => {
    const file = path.join(tempDir(), 'k.key');
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, 0o644);
    expect(() => readKeyFile(file)).toThrow(SecretError);
    expect(() => readKeyFile(file)).toThrow('chmod 600');
  });

  it('decodes hex and base64, and names the setting when the length is wrong', () => {
    const key = randomBytes(32);
    expect(decodeKey(key.toString('hex'), 'X')).toEqual(key);
    expect(decodeKey(key.toString('base64'), 'X')).toEqual(key);
    expect(decodeKey(key.toString('base64url'), 'X')).toEqual(key);
    expect(() => decodeKey('abcd', 'QALQAN_FIELD_KEY')).toThrow(
      'QALQAN_FIELD_KEY must be 32 bytes',
    );
    expect(() => decodeKey('not a key!', 'QALQAN_FIELD_KEY')).toThrow(
      'QALQAN_FIELD_KEY must be 32 bytes',
    );
  });
});

describe('loadSecrets', () => {
  it('generates keys into the data dir on first start and reuses them', () => {
    const dataDir = tempDir();
    const config = loadConfig({ QALQAN_DATA_DIR: dataDir });
    const first = loadSecrets(config);
    const second = loadSecrets(config);
    expect(second.pseudonymOf('900515201238')).toBe(first.pseudonymOf('900515201238'));
    expect(second.fields.decrypt(first.fields.encrypt('x', 'c'), 'c')).toBe('x');
    expect(readFileSync(path.join(dataDir, 'secrets', 'pseudonym.key'), 'utf8').trim()).toMatch(
      /^[A-Za-z0-9+/]{43}=$/,
    );
  });

  it('takes keys from the environment when given, writing nothing', () => {
    const dataDir = tempDir();
    const pseudonymKey = randomBytes(32).toString('hex');
    const config = loadConfig({
      QALQAN_DATA_DIR: dataDir,
      QALQAN_PSEUDONYM_KEY: pseudonymKey,
      QALQAN_FIELD_KEY: randomBytes(32).toString('base64'),
    });
    const secrets = loadSecrets(config);
    expect(secrets.pseudonymOf('900515201238')).toBe(
      createPseudonymizer(Buffer.from(pseudonymKey, 'hex'))('900515201238'),
    );
    expect(() => statSync(path.join(dataDir, 'secrets'))).toThrow();
  });
});
