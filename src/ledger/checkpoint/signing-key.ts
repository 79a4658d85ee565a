/**
 * The ledger's Ed25519 signing key: from the environment, from a file the operator names, or
 * generated into `<dataDir>/ledger-signing.key` (PKCS#8 PEM, mode 0600) on first start. Losing
 * the key does not lose the log, but the next checkpoint would not verify under the published
 * verifier key, so production configurations must supply it deliberately.
 *
 * Accepted forms: PKCS#8 PEM (`openssl genpkey -algorithm ed25519`), a 32-byte seed as base64
 * or hex, or a Go note signer key `PRIVATE+KEY+<name>+<id>+<base64>` (`note.GenerateKey`).
 */
import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import { chmodSync, closeSync, openSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { SecretError, ensurePrivateDir, readKeyText } from '../../secrets/key-files.js';
import {
  type NoteSigner,
  createNoteSigner,
  isValidKeyName,
  noteKeyId,
  rawPublicKey,
} from './note.js';

export const SIGNING_KEY_FILE = 'ledger-signing.key';

export interface SigningKeySettings {
  readonly dataDir: string;
  /** Path of a key file (wins over generating one). */
  readonly signingKeyFile?: string | undefined;
  /** The key itself, e.g. from `QALQAN_LEDGER_SIGNING_KEY` (wins over everything). */
  readonly signingKey?: string | undefined;
}

export interface LoadedSigningKey {
  readonly signer: NoteSigner;
  /** Where the key came from, for the start-up log line (never the key itself). */
  readonly source: string;
}

/**
 * The default log origin: `<host>/qalqan`, with the host of the public URL when there is one
 * (that is the name verifiers know the log by), else this machine's host name.
 */
export function defaultLedgerOrigin(publicUrl?: string, machine: string = hostname()): string {
  let host = machine;
  if (publicUrl) {
    try {
      host = new URL(publicUrl).host;
    } catch {
      host = machine;
    }
  }
  const origin = `${host.toLowerCase().replace(/[^a-z0-9.:_-]/g, '-') || 'localhost'}/qalqan`;
  return origin;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function keyFromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** Parses a signing key in any accepted form; `origin` must match a Go note key's name. */
export function parseSigningKey(text: string, origin: string, where: string): KeyObject {
  const value = text.trim();
  if (value.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: value, format: 'pem' });
    } catch {
      throw new SecretError(`${where} is not a readable PEM private key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new SecretError(
        `${where} holds a ${key.asymmetricKeyType ?? 'unknown'} key; the ledger signs with Ed25519`,
      );
    }
    return key;
  }
  if (value.startsWith('PRIVATE+KEY+')) return parseNoteSignerKey(value, origin, where);
  let seed: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) seed = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) seed = Buffer.from(value, 'base64');
  if (!seed || seed.length !== 32) {
    throw new SecretError(
      `${where} must be a PKCS#8 PEM Ed25519 key, a 32-byte seed (base64 or hex) or a Go note key`,
    );
  }
  return keyFromSeed(seed);
}

function parseNoteSignerKey(value: string, origin: string, where: string): KeyObject {
  // PRIVATE+KEY+<name>+<id>+<base64>: the base64 may itself contain '+', so split four times only.
  const [, , name = '', idHex = '', ...encodedParts] = value.split('+');
  const encoded = encodedParts.join('+');
  const bytes = Buffer.from(encoded, 'base64');
  if (
    bytes.toString('base64') !== encoded ||
    !isValidKeyName(name) ||
    !/^[0-9a-f]{8}$/.test(idHex) ||
    bytes.length !== 33 ||
    bytes[0] !== 1
  ) {
    throw new SecretError(`${where} is not a valid Go note Ed25519 signer key`);
  }
  const key = keyFromSeed(bytes.subarray(1));
  if (noteKeyId(name, rawPublicKey(createPublicKey(key))).toString('hex') !== idHex) {
    throw new SecretError(`${where}: the key id does not match the key`);
  }
  if (name !== origin) {
    throw new SecretError(`${where} is for log '${name}' but the ledger origin is '${origin}'`);
  }
  return key;
}

function readPrivateFile(file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new SecretError(`ledger signing key file ${file} cannot be read`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretError(
      `ledger signing key file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  return readKeyText(file, 'ledger signing key file');
}

/** Creates the key file with O_EXCL, so two processes starting together cannot write two keys. */
function createKeyFile(file: string): boolean {
  ensurePrivateDir(path.dirname(file));
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSync(fd, String(privateKey.export({ format: 'pem', type: 'pkcs8' })));
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
  return true;
}

/** Resolves the signing key and returns a note signer named `origin`. */
export function loadSigningKey(origin: string, settings: SigningKeySettings): LoadedSigningKey {
  if (settings.signingKey) {
    const key = parseSigningKey(settings.signingKey, origin, 'QALQAN_LEDGER_SIGNING_KEY');
    return { signer: createNoteSigner(origin, key), source: 'QALQAN_LEDGER_SIGNING_KEY' };
  }
  if (settings.signingKeyFile) {
    const file = path.resolve(settings.signingKeyFile);
    const key = parseSigningKey(readPrivateFile(file), origin, `ledger signing key file ${file}`);
    return { signer: createNoteSigner(origin, key), source: file };
  }
  const file = path.join(settings.dataDir, SIGNING_KEY_FILE);
  const created = createKeyFile(file);
  const key = parseSigningKey(readPrivateFile(file), origin, `ledger signing key file ${file}`);
  return { signer: createNoteSigner(origin, key), source: created ? `${file} (generated)` : file };
}

/**
 * Reads the configured key without ever generating one (for `qalqan ledger fsck`, which must
 * not invent a key for a log that was signed with another).
 */
export function findSigningKey(
  origin: string,
  settings: SigningKeySettings,
): LoadedSigningKey | undefined {
  if (settings.signingKey || settings.signingKeyFile) return loadSigningKey(origin, settings);
  const file = path.join(settings.dataDir, SIGNING_KEY_FILE);
  try {
    statSync(file);
  } catch {
    return undefined;
  }
  return loadSigningKey(origin, settings);
}
