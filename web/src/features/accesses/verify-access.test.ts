import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../ledger/canonical-json';
import { parseVerifierKey } from '../../ledger/checkpoint';
import type { Access } from './accesses-api';
import { SHOWN_FIELDS, verifyAccess } from './verify-access';

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

const entryOf = (record: object, salt: Buffer) =>
  Buffer.concat([
    Buffer.of(0x01, 'access.check'.length),
    Buffer.from('access.check'),
    sha(salt, Buffer.from(canonicalJson(record))),
  ]);

// The committed record as the access module writes it, and the item /v1/me/accesses answers.
const RECORD = {
  check: 'chk_1',
  at: '2026-12-04T10:00:00.000Z',
  system: 'sys_clinic',
  operator: 'op_clinic',
  subject: 'p1_pseudonym',
  actor: 'act_7',
  action: 'read',
  purpose: 'health.treatment',
  categories: ['identity', 'health'],
  basis: { kind: 'consent', consentId: 'cns_1' },
  decision: 'permit',
  reasons: [],
  recipient: { name: 'Allianz' },
  country: 'DE',
};

function accessWithReceipt(): Access {
  const salt = randomBytes(32);
  const entry = entryOf(RECORD, salt);
  const leaf = (e: Buffer) => sha(Buffer.of(0), e);
  const other = leaf(entryOf({ other: true }, randomBytes(32)));
  const root = sha(Buffer.of(1), leaf(entry), other);
  const body = `${NAME}\n2\n${root.toString('base64')}\n`;
  const signature = Buffer.concat([keyHash, sign(null, Buffer.from(body), privateKey)]);
  return {
    checkId: 'chk_1',
    at: RECORD.at,
    systemId: 'sys_clinic',
    operatorId: 'op_clinic',
    actor: { code: 'act_7' },
    action: 'read',
    purpose: 'health.treatment',
    categories: ['identity', 'health'],
    legalBasis: 'consent',
    basis: { kind: 'consent', consentId: 'cns_1' },
    decision: 'permit',
    reasons: [],
    recipient: { name: 'Allianz' },
    country: 'DE',
    ledgerIndex: 0,
    receipt: {
      index: 0,
      type: 'access.check',
      record: RECORD,
      salt: salt.toString('base64'),
      entry: entry.toString('base64'),
      treeSize: 2,
      inclusionProof: [other.toString('base64')],
      checkpoint: `${body}\n\u2014 ${NAME} ${signature.toString('base64')}\n`,
    },
  };
}

describe('verifyAccess', () => {
  it('verifies a record shown as committed', async () => {
    expect(await verifyAccess(accessWithReceipt(), key)).toEqual({ ok: true });
  });

  it('names the shown field that differs from the committed record', async () => {
    const genuine = accessWithReceipt();
    const altered: Record<(typeof SHOWN_FIELDS)[number], Partial<Access>> = {
      checkId: { checkId: 'chk_2' },
      at: { at: '2026-12-04T11:00:00.000Z' },
      systemId: { systemId: 'sys_other' },
      operatorId: { operatorId: 'op_other' },
      actor: { actor: { code: 'act_8' } },
      action: { action: 'export' },
      purpose: { purpose: 'marketing' },
      categories: { categories: ['identity'] },
      basis: { basis: { kind: 'law', reference: 'Art. 1' } },
      decision: { decision: 'deny' },
      reasons: {
        reasons: [{ code: 'consent.missing', message: { kk: 'жоқ', ru: 'нет', en: 'none' } }],
      },
      recordCount: { recordCount: 5 },
      recipient: { recipient: { name: 'Someone else' } },
      country: { country: 'KZ' },
    };
    for (const field of SHOWN_FIELDS)
      expect(await verifyAccess({ ...genuine, ...altered[field] }, key), field).toEqual({
        ok: false,
        failure: 'mismatch',
        field,
      });
  });

  it('refuses a receipt of another entry, and a record altered in the receipt too', async () => {
    const genuine = accessWithReceipt();
    expect(await verifyAccess({ ...genuine, ledgerIndex: 1 }, key)).toEqual({
      ok: false,
      failure: 'not-an-access',
    });
    expect(
      await verifyAccess(
        { ...genuine, receipt: { ...genuine.receipt!, type: 'consent.given' } },
        key,
      ),
    ).toEqual({ ok: false, failure: 'not-an-access' });
    const receipt = { ...genuine.receipt!, record: { ...RECORD, purpose: 'marketing' } };
    expect(await verifyAccess({ ...genuine, purpose: 'marketing', receipt }, key)).toEqual({
      ok: false,
      failure: 'commitment',
    });
  });
});
