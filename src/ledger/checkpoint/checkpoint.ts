/**
 * C2SP tlog-checkpoint: the signed tree head. The body is three lines — origin, decimal tree
 * size, base64 root hash — optionally followed by extension lines (this log writes none), and it
 * is wrapped in a signed note whose key name is the origin.
 *
 * ```ts
 * const note = signCheckpoint({ origin: signer.name, size: 3, root }, signer);
 * const cp = openCheckpoint(note, verifier); // { origin, size: 3, root, note }
 * ```
 */
import { type Hash, hashFromBase64, hashToBase64 } from '../tree/hash.js';
import { type NoteSigner, type NoteVerifier, NoteError, openNote, signNote } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The signed note as served at `/ledger/checkpoint`. */
  readonly note: string;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${hashToBase64(checkpoint.root)}\n`;
}

/** Parses a checkpoint body; throws `NoteError` if it is not one. Extension lines are allowed. */
export function parseCheckpoint(
  text: string,
): Checkpoint & { readonly extensions: readonly string[] } {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '')
    throw new NoteError('malformed checkpoint: fewer than three lines');
  const [origin = '', sizeText = '', rootText = '', ...rest] = lines;
  const extensions = rest.slice(0, -1);
  if (origin.length === 0) throw new NoteError('malformed checkpoint: empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError(
      `malformed checkpoint: size '${sizeText.slice(0, 20)}' is not a decimal integer`,
    );
  }
  const root = hashFromBase64(rootText);
  if (!root) throw new NoteError('malformed checkpoint: root is not a base64 SHA-256 hash');
  if (extensions.some((line) => line.length === 0))
    throw new NoteError('malformed checkpoint: empty extension line');
  return { origin, size: Number(sizeText), root, extensions };
}

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): SignedCheckpoint {
  return { ...checkpoint, note: signNote(formatCheckpoint(checkpoint), signer) };
}

/**
 * Verifies a checkpoint note against the log's key and parses it. The origin must be the key's
 * name, so a note signed by this key for another log is not taken for this one.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifier: NoteVerifier,
): SignedCheckpoint {
  const opened = openNote(note, [verifier]);
  const parsed = parseCheckpoint(opened.text);
  if (parsed.origin !== verifier.name) {
    throw new NoteError(
      `checkpoint origin '${parsed.origin}' is not the key name '${verifier.name}'`,
    );
  }
  const text = typeof note === 'string' ? note : Buffer.from(note).toString('utf8');
  return { origin: parsed.origin, size: parsed.size, root: parsed.root, note: text };
}
