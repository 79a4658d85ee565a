import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fifoWithWriter } from '../../../test/support/fifo.js';
import { SecretError } from '../../secrets/key-files.js';
import { leafHash } from '../tree/hash.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { NoteError, createNoteSigner, openNote, parseVerifierKey, signNote } from './note.js';
import {
  SIGNING_KEY_FILE,
  defaultLedgerOrigin,
  findSigningKey,
  loadSigningKey,
  parseSigningKey,
} from './signing-key.js';

// Test vector from Go's golang.org/x/mod/sumdb/note tests (Ed25519 signatures are deterministic).
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const goSigner = () =>
  createNoteSigner('PeterNeumann', parseSigningKey(GO_SKEY, 'PeterNeumann', 'test'));

describe('signed notes', () => {
  it('produce byte-for-byte what Go note.Sign produces, and its verifier key', () => {
    const signer = goSigner();
    expect(signer.verifierKey).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, signer)).toBe(GO_NOTE);
    expect(openNote(GO_NOTE, [parseVerifierKey(GO_VKEY)])).toEqual({
      text: GO_TEXT,
      verifiedBy: ['PeterNeumann'],
    });
  });

  it('ignore unknown signers but reject a bad signature by a known key', () => {
    const other = createNoteSigner('EnochRoot', generateKeyPairSync('ed25519').privateKey);
    const cosigned = signNote(GO_TEXT, other, goSigner());
    expect(openNote(cosigned, [parseVerifierKey(GO_VKEY)]).verifiedBy).toEqual(['PeterNeumann']);
    const tampered = GO_NOTE.replace('cryptography', 'cryptographY');
    expect(() => openNote(tampered, [parseVerifierKey(GO_VKEY)])).toThrow(
      /invalid signature by PeterNeumann/,
    );
    expect(() => openNote(GO_NOTE, [parseVerifierKey(other.verifierKey)])).toThrow(
      /not signed by a known key/,
    );
  });

  it('reject malformed notes as Go does', () => {
    const v = [parseVerifierKey(GO_VKEY)];
    for (const bad of [
      GO_TEXT,
      GO_NOTE.slice(0, -1),
      GO_NOTE.replace('— ', '-- '),
      GO_NOTE.replace('x08go', 'x08go!'),
      GO_NOTE.replace('PeterNeumann x08', 'Peter+Neumann x08'),
      `tab\there\n${GO_NOTE.slice(GO_TEXT.length)}`,
    ]) {
      expect(() => openNote(bad, v), JSON.stringify(bad)).toThrow(NoteError);
    }
    expect(() => openNote(Buffer.from([0xff, 0x0a, 0x0a]), v)).toThrow(/UTF-8/);
  });

  it('parse verifier keys strictly', () => {
    expect(() =>
      parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/key id/);
    expect(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/algorithm/);
    expect(() => parseVerifierKey('PeterNeumann')).toThrow(/malformed/);
    expect(() => createNoteSigner('two words', generateKeyPairSync('ed25519').privateKey)).toThrow(
      /not a valid/,
    );
  });
});

describe('checkpoints', () => {
  const signer = createNoteSigner('example.kz/qalqan', generateKeyPairSync('ed25519').privateKey);
  const verifier = parseVerifierKey(signer.verifierKey);
  const root = leafHash(Buffer.from('x'));

  it('are three lines signed by the origin key', () => {
    const signed = signCheckpoint({ origin: signer.name, size: 42, root }, signer);
    expect(
      signed.note.startsWith(
        `example.kz/qalqan\n42\n${Buffer.from(root).toString('base64')}\n\n— example.kz/qalqan `,
      ),
    ).toBe(true);
    const opened = openCheckpoint(signed.note, verifier);
    expect(opened.size).toBe(42);
    expect(Buffer.from(opened.root)).toEqual(Buffer.from(root));
  });

  it('refuse a checkpoint for another origin signed by the same key', () => {
    const foreign = signNote(formatCheckpoint({ origin: 'other.kz/log', size: 1, root }), signer);
    expect(() => openCheckpoint(foreign, verifier)).toThrow(/origin 'other.kz\/log'/);
  });

  it('parse sizes and roots strictly and allow extension lines', () => {
    const b64 = Buffer.from(root).toString('base64');
    expect(parseCheckpoint(`o\n7\n${b64}\next\n`).extensions).toEqual(['ext']);
    for (const bad of [
      `o\n07\n${b64}\n`,
      `o\n-1\n${b64}\n`,
      `o\n1\nabc\n`,
      `o\n1\n${b64}`,
      `\n1\n${b64}\n`,
      `o\n1\n${b64}\n\n`,
    ]) {
      expect(() => parseCheckpoint(bad), bad).toThrow(NoteError);
    }
  });
});

describe('signing key handling', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a PEM key with mode 0600 once and reuses it', () => {
    const first = loadSigningKey('a.kz/qalqan', { dataDir: dir });
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect(first.source).toBe(`${file} (generated)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const second = loadSigningKey('a.kz/qalqan', { dataDir: dir });
    expect(second.signer.verifierKey).toBe(first.signer.verifierKey);
    expect(second.source).toBe(file);
  });

  it('refuses a key file that is not a regular file or is over 64 KiB, naming it', () => {
    const pipe = path.join(dir, 'pipe.key');
    const stop = fifoWithWriter(pipe);
    try {
      expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKeyFile: pipe })).toThrow(
        new SecretError(`ledger signing key file ${pipe} is not a regular file (a FIFO)`),
      );
    } finally {
      stop();
    }
    const big = path.join(dir, 'big.key');
    writeFileSync(big, '', { mode: 0o600 });
    truncateSync(big, 64 * 1024 + 1);
    expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKeyFile: big })).toThrow(
      new SecretError(
        `ledger signing key file ${big} is larger than 64 KiB, the limit for a ledger signing key file`,
      ),
    );
  });

  it('refuses a key file others can read, and fsck never generates one', () => {
    // Its own key, so the test passes alone and in any order.
    const source = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-open-'));
    loadSigningKey('a.kz/qalqan', { dataDir: source });
    const file = path.join(dir, 'open.key');
    writeFileSync(file, readFileSync(path.join(source, SIGNING_KEY_FILE)), { mode: 0o644 });
    rmSync(source, { recursive: true, force: true });
    expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKeyFile: file })).toThrow(
      /chmod 600/,
    );
    const empty = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-nokey-'));
    expect(findSigningKey('a.kz/qalqan', { dataDir: empty })).toBeUndefined();
    rmSync(empty, { recursive: true, force: true });
  });

  it('accepts a seed, a PEM and a Go key from the environment', () => {
    const seed = Buffer.alloc(32, 7);
    const fromHex = loadSigningKey('a.kz/qalqan', {
      dataDir: dir,
      signingKey: seed.toString('hex'),
    });
    const fromB64 = loadSigningKey('a.kz/qalqan', {
      dataDir: dir,
      signingKey: seed.toString('base64'),
    });
    expect(fromHex.signer.verifierKey).toBe(fromB64.signer.verifierKey);
    expect(fromHex.source).toBe('QALQAN_LEDGER_SIGNING_KEY');
    const pem = String(
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    expect(loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKey: pem }).signer.name).toBe(
      'a.kz/qalqan',
    );
    expect(
      loadSigningKey('PeterNeumann', { dataDir: dir, signingKey: GO_SKEY }).signer.verifierKey,
    ).toBe(GO_VKEY);
    expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKey: GO_SKEY })).toThrow(
      /for log 'PeterNeumann'/,
    );
    const rsa = String(
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
        format: 'pem',
        type: 'pkcs8',
      }),
    );
    expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKey: rsa })).toThrow(
      SecretError,
    );
    expect(() => loadSigningKey('a.kz/qalqan', { dataDir: dir, signingKey: 'short' })).toThrow(
      SecretError,
    );
  });

  it('derives the default origin from the public URL host (and port), else the machine name', () => {
    expect(defaultLedgerOrigin('https://Qalqan.Gov.KZ/app', 'box')).toBe('qalqan.gov.kz/qalqan');
    // docs/LEDGER.md: the host and its port, if the public URL names one.
    expect(defaultLedgerOrigin('https://qalqan.gov.kz:8443/', 'box')).toBe(
      'qalqan.gov.kz:8443/qalqan',
    );
    expect(defaultLedgerOrigin(undefined, 'build box')).toBe('build-box/qalqan');
  });
});
