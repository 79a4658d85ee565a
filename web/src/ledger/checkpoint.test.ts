import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  NoteFormatError,
  parseCheckpoint,
  parseSignedNote,
  parseVerifierKey,
  verifyCheckpointSignature,
  verifyNoteSignature,
} from './checkpoint';

// A signer built with Node's crypto, independent of the WebCrypto code under test.
function makeSigner(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const keyData = Buffer.concat([Buffer.of(0x01), raw]);
  const keyHash = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), keyData]))
    .digest()
    .subarray(0, 4);
  return {
    vkey: `${name}+${keyHash.toString('hex')}+${keyData.toString('base64')}`,
    signLine(body: string) {
      const signature = sign(null, Buffer.from(body), privateKey);
      return `\u2014 ${name} ${Buffer.concat([keyHash, signature]).toString('base64')}\n`;
    },
  };
}

const ROOT = createHash('sha256').update('root').digest();
const BODY = `qalqan.example/log\n42\n${ROOT.toString('base64')}\n`;

describe('signed notes and checkpoints', () => {
  it('verifies the signed-note example from the Go sumdb note documentation', async () => {
    const note = parseSignedNote(
      'If you think cryptography is the answer to your problem,\n' +
        "then you don't know what your problem is.\n" +
        '\n' +
        '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
    );
    const key = parseVerifierKey(
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
    expect(note.signatures[0]).toMatchObject({ name: 'PeterNeumann', keyId: 'c74f20a3' });
    expect(await verifyNoteSignature(note, key)).toBe('verified');
  });

  it('parses a checkpoint and verifies its Ed25519 signature', async () => {
    const signer = makeSigner('qalqan.example/log');
    const checkpoint = parseCheckpoint(`${BODY}\n${signer.signLine(BODY)}`);
    expect(checkpoint.origin).toBe('qalqan.example/log');
    expect(checkpoint.size).toBe(42);
    expect(Buffer.from(checkpoint.rootHash).equals(ROOT)).toBe(true);
    expect(checkpoint.extensions).toEqual([]);
    expect(checkpoint.note.body).toBe(BODY);
    const key = parseVerifierKey(`${signer.vkey}\n`);
    expect(key).toMatchObject({ name: 'qalqan.example/log', algorithm: 1 });
    expect(key.publicKey).toHaveLength(32);
    expect(await verifyNoteSignature(checkpoint.note, key)).toBe('verified');
  });

  it('keeps extension lines and finds the signature among several', async () => {
    const signer = makeSigner('qalqan.example/log');
    const witness = makeSigner('witness.example');
    const body = `${BODY}extension one\n`;
    const checkpoint = parseCheckpoint(
      `${body}\n${witness.signLine(body)}${signer.signLine(body)}`,
    );
    expect(checkpoint.extensions).toEqual(['extension one']);
    expect(checkpoint.note.signatures.map((s) => s.name)).toEqual([
      'witness.example',
      'qalqan.example/log',
    ]);
    expect(await verifyNoteSignature(checkpoint.note, parseVerifierKey(signer.vkey))).toBe(
      'verified',
    );
  });

  it('reports an altered checkpoint, a foreign key and a forged key id', async () => {
    const signer = makeSigner('qalqan.example/log');
    const altered = parseCheckpoint(
      `${BODY.replace('\n42\n', '\n41\n')}\n${signer.signLine(BODY)}`,
    );
    expect(await verifyNoteSignature(altered.note, parseVerifierKey(signer.vkey))).toBe('invalid');

    const genuine = parseCheckpoint(`${BODY}\n${signer.signLine(BODY)}`);
    const stranger = makeSigner('qalqan.example/log');
    expect(await verifyNoteSignature(genuine.note, parseVerifierKey(stranger.vkey))).toBe(
      'not_signed_by_key',
    );

    const forged = parseVerifierKey(signer.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'));
    expect(await verifyNoteSignature(genuine.note, forged)).toBe('key_id_mismatch');
  });

  it('refuses a checkpoint the key signed for another log (origin is not the key name)', async () => {
    const signer = makeSigner('qalqan.example/log');
    const key = parseVerifierKey(signer.vkey);
    const own = parseCheckpoint(`${BODY}\n${signer.signLine(BODY)}`);
    expect(await verifyCheckpointSignature(own, key)).toBe('verified');
    const body = BODY.replace('qalqan.example/log', 'other.example/log');
    const foreign = parseCheckpoint(`${body}\n${signer.signLine(body)}`);
    expect(await verifyNoteSignature(foreign.note, key)).toBe('verified');
    expect(await verifyCheckpointSignature(foreign, key)).toBe('origin_mismatch');
    const altered = parseCheckpoint(
      `${BODY.replace('\n42\n', '\n41\n')}\n${signer.signLine(BODY)}`,
    );
    expect(await verifyCheckpointSignature(altered, key)).toBe('invalid');
  });

  it('rejects malformed checkpoints with a reason', () => {
    const signature = makeSigner('qalqan.example/log').signLine(BODY);
    const bad = [
      BODY,
      `${BODY}\n`,
      `${BODY}\n${signature.trimEnd()}`,
      `${BODY}\n${signature.replace('\u2014', '-')}`,
      `qalqan.example/log\n042\n${ROOT.toString('base64')}\n\n${signature}`,
      `qalqan.example/log\n99999999999999999999\n${ROOT.toString('base64')}\n\n${signature}`,
      `qalqan.example/log\n42\n${ROOT.subarray(1).toString('base64')}\n\n${signature}`,
      `qalqan.example/log\n42\n\n${signature}`,
      `${BODY}\n\n${signature}`,
    ];
    for (const text of bad) expect(() => parseCheckpoint(text), text).toThrow(NoteFormatError);
  });

  it('rejects malformed verifier keys', () => {
    for (const text of [
      'name+c74f20a3',
      'name+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+extra+',
      'name+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'name+c74f20a3+not base64',
      '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ]) {
      expect(() => parseVerifierKey(text), text).toThrow(NoteFormatError);
    }
  });
});
