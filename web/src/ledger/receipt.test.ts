import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { parseVerifierKey } from './checkpoint';
import { type LedgerReceipt, verifyReceipt } from './receipt';

// A two-entry log built with Node's crypto, independent of the WebCrypto code under test.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const NAME = 'qalqan.example/log';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const keyData = Buffer.concat([
  Buffer.of(0x01),
  Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
]);
const keyHash = sha(Buffer.from(`${NAME}\n`), keyData).subarray(0, 4);
const key = parseVerifierKey(`${NAME}+${keyHash.toString('hex')}+${keyData.toString('base64')}`);

function entryOf(type: string, record: object, salt: Buffer): Buffer {
  const commitment = sha(salt, Buffer.from(canonicalJson(record)));
  return Buffer.concat([Buffer.of(0x01, type.length), Buffer.from(type), commitment]);
}

function receiptFor(record: object, origin = NAME): LedgerReceipt {
  const salt = randomBytes(32);
  const entry = entryOf('access.check', record, salt);
  const other = entryOf('access.check', { other: true }, randomBytes(32));
  const leaf = (e: Buffer) => sha(Buffer.of(0), e);
  const root = sha(Buffer.of(1), leaf(entry), leaf(other));
  const body = `${origin}\n2\n${root.toString('base64')}\n`;
  const signature = Buffer.concat([keyHash, sign(null, Buffer.from(body), privateKey)]);
  return {
    index: 0,
    type: 'access.check',
    record: record as Record<string, unknown>,
    salt: salt.toString('base64'),
    entry: entry.toString('base64'),
    treeSize: 2,
    inclusionProof: [leaf(other).toString('base64')],
    checkpoint: `${body}\n\u2014 ${NAME} ${signature.toString('base64')}\n`,
  };
}

const RECORD = {
  subject: 'p1_x',
  decision: 'permit',
  categories: ['identity'],
  n: 1.5,
  z: null,
  a: { b: 'é' },
};

describe('canonicalJson', () => {
  it('sorts keys by code unit and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], é: 2, Z: { d: 1e21, c: -0 } })).toBe(
      '{"Z":{"c":0,"d":1e+21},"a":[true,null,"x"],"b":1,"é":2}',
    );
  });
});

describe('verifyReceipt', () => {
  it('verifies a genuine receipt', async () => {
    expect(await verifyReceipt(receiptFor(RECORD), key)).toEqual({ ok: true });
  });

  it('names why a tampered receipt is not verified', async () => {
    const genuine = receiptFor(RECORD);
    expect(
      await verifyReceipt({ ...genuine, record: { ...RECORD, decision: 'deny' } }, key),
    ).toEqual({
      ok: false,
      failure: 'commitment',
    });
    expect(await verifyReceipt({ ...genuine, type: 'access.other' }, key)).toMatchObject({
      ok: false,
    });
    expect(await verifyReceipt({ ...genuine, index: 1 }, key)).toEqual({
      ok: false,
      failure: 'inclusion',
    });
    expect(
      await verifyReceipt(
        { ...genuine, checkpoint: genuine.checkpoint.replace('\n2\n', '\n3\n') },
        key,
      ),
    ).toEqual({ ok: false, failure: 'checkpoint-size' });
    expect(await verifyReceipt({ ...genuine, salt: 'not base64!' }, key)).toEqual({
      ok: false,
      failure: 'malformed',
    });
    // Signed by the log's key, but for a log of another name.
    expect(await verifyReceipt(receiptFor(RECORD, 'other.example/log'), key)).toEqual({
      ok: false,
      failure: 'signature',
    });
    const forged = receiptFor(RECORD);
    expect(
      await verifyReceipt({ ...genuine, checkpoint: forged.checkpoint }, key).then((r) => r.ok),
    ).toBe(false);
  });
});
