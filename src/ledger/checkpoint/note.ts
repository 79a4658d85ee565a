/**
 * C2SP signed-note with Ed25519 (the format of Go's `golang.org/x/mod/sumdb/note`):
 *
 * ```text
 * <text, ending in a newline>
 *
 * — <key name> <base64(4-byte key id ‖ 64-byte signature)>
 * ```
 *
 * The key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); the verifier key
 * is `name+<key id as 8 hex digits>+base64(0x01 ‖ public key)`. Signatures are over the text
 * including its final newline. Parsing is as strict as Go's `note.Open`, so a note this module
 * accepts is one Go accepts too.
 *
 * ```ts
 * const signer = createNoteSigner('example.kz/qalqan', privateKey);
 * const note = signNote('hello\n', signer);
 * openNote(note, [parseVerifierKey(signer.verifierKey)]).text; // 'hello\n'
 * ```
 */
import { type KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';

const ALG_ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: Buffer;
  /** The verifier key to publish: `name+hex8+base64(0x01 ‖ public key)`. */
  readonly verifierKey: string;
  sign(message: Uint8Array): Buffer;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  readonly verifierKey: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  /** The names of the known keys whose signatures verified. */
  readonly verifiedBy: readonly string[];
}

/** Go's `isValidName`: non-empty, no Unicode space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name) && isWellFormed(name);
}

/** No lone UTF-16 surrogates (the string encodes to valid UTF-8). */
function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

/** ASCII control characters other than newline, which Go's `note.Open` rejects. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

/** The 4-byte key id of an Ed25519 key under a name. */
export function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, ALG_ED25519))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The raw 32-byte public key of an Ed25519 key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new NoteError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const encoded = Buffer.concat([Uint8Array.of(ALG_ED25519), publicKey]).toString('base64');
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${encoded}`;
}

export function createNoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  if (!isValidKeyName(name))
    throw new NoteError(`'${name}' is not a valid note key name (no spaces or '+')`);
  if (privateKey.asymmetricKeyType !== 'ed25519' || privateKey.type !== 'private') {
    throw new NoteError('the note signing key must be an Ed25519 private key');
  }
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return {
    name,
    keyId: noteKeyId(name, publicKey),
    verifierKey: formatVerifierKey(name, publicKey),
    sign: (message) => sign(null, message, privateKey),
  };
}

function strictBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Parses a verifier key `name+hex8+base64(0x01 ‖ key)`, checking its key id. */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  const text = verifierKey.trim();
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  const name = first < 0 ? text : text.slice(0, first);
  const idHex = first < 0 ? '' : text.slice(first + 1, second < 0 ? undefined : second);
  const key = second < 0 ? undefined : strictBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !key || key.length === 0) {
    throw new NoteError('malformed verifier key: expected name+<8 hex digits>+<base64 key>');
  }
  if (key[0] !== ALG_ED25519)
    throw new NoteError(`verifier key algorithm ${key[0]} is not Ed25519 (1)`);
  const raw = key.subarray(1);
  if (raw.length !== 32) throw new NoteError('an Ed25519 verifier key holds a 32-byte public key');
  const keyId = noteKeyId(name, raw);
  if (keyId.toString('hex') !== idHex)
    throw new NoteError('verifier key id does not match its name and key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return {
    name,
    keyId,
    verifierKey: text,
    verify: (message, signature) =>
      signature.length === 64 && verify(null, message, publicKey, signature),
  };
}

/** Signs `text` (which must end in a newline) and returns the note. */
export function signNote(text: string, ...signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => {
    const signature = Buffer.concat([signer.keyId, signer.sign(message)]).toString('base64');
    return `${SIGNATURE_PREFIX}${signer.name} ${signature}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a note and verifies it against the known keys. Throws `NoteError` when it is malformed,
 * when a known key's signature does not verify, or when no known key signed it. Signatures by
 * unknown keys are ignored, as C2SP requires (co-signers may add theirs).
 */
export function openNote(note: string | Uint8Array, known: readonly NoteVerifier[]): OpenedNote {
  let message: string;
  try {
    message = typeof note === 'string' ? note : fatalUtf8.decode(note);
  } catch {
    throw new NoteError('malformed note: not valid UTF-8');
  }
  if (hasControlCharacters(message) || !isWellFormed(message)) {
    throw new NoteError('malformed note: control characters');
  }
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    throw new NoteError('malformed note: no signature lines');
  const textBytes = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signatures');
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw new NoteError('malformed note: bad signature line');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const signature = space < 0 ? undefined : strictBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !signature || signature.length < 5) {
      throw new NoteError('malformed note: bad signature line');
    }
    const keyId = signature.subarray(0, 4);
    const verifier = known.find((v) => v.name === name && v.keyId.equals(keyId));
    if (!verifier) continue;
    if (!verifier.verify(textBytes, signature.subarray(4))) {
      throw new NoteError(`invalid signature by ${name}`);
    }
    if (!verifiedBy.includes(name)) verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) {
    const names = known.map((v) => v.name).join(', ') || 'no keys';
    throw new NoteError(`note is not signed by a known key (known: ${names})`);
  }
  return { text, verifiedBy };
}
