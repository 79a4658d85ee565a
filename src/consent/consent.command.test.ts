import { truncateSync, writeFileSync } from 'node:fs';
import { fifoWithWriter } from '../../test/support/fifo.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';
import { tempDirsRemovedAfterAll } from '../../test/support/temp-dirs.js';
import { loadConfig } from '../config/config.js';
import { createQalqan } from '../server.js';
import { openStorage } from '../storage/storage.js';
import { loadReceiptSigner, RECEIPT_TYPE, receiptKeysDir } from './receipts.js';
import { iinBornOn } from './test-support/consent-app.js';

const tempDir = tempDirsRemovedAfterAll('qalqan-consent-cli-');

describe('qalqan consent verify-receipt', () => {
  it('exits 0 for a valid receipt, 1 with the reason for a bad one, 2 when it cannot check', async () => {
    const dir = tempDir();
    const signer = await loadReceiptSigner(path.join(dir, 'keys'));
    const other = await loadReceiptSigner(path.join(dir, 'other-keys'));
    const jws = await signer.sign({ consentReceiptID: 'cns_01.2', piiPrincipalId: 'psd_abc' });
    const file = (name: string, text: string) => {
      const target = path.join(dir, name);
      writeFileSync(target, text);
      return target;
    };
    const receipt = file('receipt.jws', `${jws}\n`);
    const downloaded = file('receipt.json', JSON.stringify({ receipt: jws }));
    const jwks = file('jwks.json', JSON.stringify(signer.jwks()));
    const otherJwks = file('other.json', JSON.stringify(other.jwks()));
    const [head, payload, signature] = jws.split('.');
    const tampered = file('tampered.jws', `${head}.${payload}.${signature!.slice(0, -4)}AAAA`);

    const valid = await runCli(['consent', 'verify-receipt', receipt, '--jwks', jwks]);
    expect(valid).toMatchObject({
      code: 0,
      stdout: `${receipt}: valid consent receipt cns_01.2 for psd_abc, signed by key ${signer.currentKid}\n`,
    });
    expect((await runCli(['consent', 'verify-receipt', downloaded, '--jwks', jwks])).code).toBe(0);

    const bad = await runCli(['consent', 'verify-receipt', tampered, '--jwks', jwks]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('invalid: bad signature');
    const unknown = await runCli(['consent', 'verify-receipt', receipt, '--jwks', otherJwks]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('invalid: unknown key id');
    expect(RECEIPT_TYPE).toBe('consent-receipt+jws');

    const missing = await runCli([
      'consent',
      'verify-receipt',
      path.join(dir, 'nope'),
      '--jwks',
      jwks,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const notJwks = await runCli(['consent', 'verify-receipt', receipt, '--jwks', receipt]);
    expect(notJwks.code).toBe(2);
    expect(notJwks.stderr).toContain('is not JSON');

    // The published key set, fetched by URL as from a server's /.well-known/jwks.json.
    const server = createServer((request, response) => {
      if (request.url === '/.well-known/jwks.json') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(signer.jwks()));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const byUrl = await runCli([
        'consent',
        'verify-receipt',
        receipt,
        '--jwks',
        `${base}/.well-known/jwks.json`,
      ]);
      expect(byUrl.code).toBe(0);
      const notFound = await runCli(['consent', 'verify-receipt', receipt, '--jwks', `${base}/x`]);
      expect(notFound).toMatchObject({ code: 2 });
      expect(notFound.stderr).toContain('HTTP 404');
    } finally {
      server.close();
    }
  });
});

describe('qalqan consent: files read whole', () => {
  it('refuses a receipt, JWKS or guardianship file that is not a regular file or is over its limit, in one line', async () => {
    const dir = tempDir();
    const signer = await loadReceiptSigner(path.join(dir, 'keys'));
    const receipt = path.join(dir, 'receipt.jws');
    writeFileSync(
      receipt,
      await signer.sign({ consentReceiptID: 'cns_1', piiPrincipalId: 'psd_a' }),
    );
    const jwks = path.join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify(signer.jwks()));

    const big = path.join(dir, 'big.jws');
    writeFileSync(big, '');
    truncateSync(big, 1024 * 1024 + 1);
    expect(await runCli(['consent', 'verify-receipt', big, '--jwks', jwks])).toEqual({
      code: 2,
      stdout: '',
      stderr: `qalqan: ${big} is larger than 1 MiB, the limit for a consent receipt\n`,
    });

    const pipe = path.join(dir, 'jwks-pipe');
    const stop = fifoWithWriter(pipe);
    try {
      expect(await runCli(['consent', 'verify-receipt', receipt, '--jwks', pipe])).toEqual({
        code: 2,
        stdout: '',
        stderr: `qalqan: ${pipe} is not a regular file (a FIFO)\n`,
      });
    } finally {
      stop();
    }

    const dataDir = tempDir();
    const guardians = path.join(dir, 'guardians.csv');
    writeFileSync(guardians, '');
    truncateSync(guardians, 32 * 1024 * 1024 + 1);
    expect(await runCli(['consent', 'import-guardians', guardians, '--data-dir', dataDir])).toEqual(
      {
        code: 2,
        stdout: '',
        stderr: `qalqan: ${guardians} is larger than 32 MiB, the limit for an import file\n`,
      },
    );
  });
});

describe('qalqan consent rotate-receipt-key', () => {
  it('adds a key that signs from then on; receipts signed before still verify with the published set', async () => {
    const dataDir = tempDir();
    const keys = receiptKeysDir(dataDir);
    const before = await loadReceiptSigner(keys);
    const old = await before.sign({ consentReceiptID: 'cns_02.1', piiPrincipalId: 'psd_old' });

    const rotated = await runCli(['consent', 'rotate-receipt-key', '--data-dir', dataDir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const after = await loadReceiptSigner(keys);
    expect(after.currentKid).not.toBe(before.currentKid);
    expect(rotated.stdout).toBe(
      `new consent-receipt key ${after.currentKid}; 1 earlier key(s) stay published; restart the server to sign with it\n`,
    );
    expect(after.jwks().keys.map((key) => key.kid)).toEqual([after.currentKid, before.currentKid]);

    const jwks = path.join(dataDir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify(after.jwks()));
    const oldFile = path.join(dataDir, 'old.jws');
    writeFileSync(oldFile, old);
    const newFile = path.join(dataDir, 'new.jws');
    writeFileSync(
      newFile,
      await after.sign({ consentReceiptID: 'cns_02.2', piiPrincipalId: 'psd_new' }),
    );
    for (const [file, kid] of [
      [oldFile, before.currentKid],
      [newFile, after.currentKid],
    ] as const) {
      const verified = await runCli(['consent', 'verify-receipt', file, '--jwks', jwks]);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toContain(`signed by key ${kid}`);
    }
  });
});

describe('qalqan consent import-guardians', () => {
  it('records every guardianship or none, reports each bad record without echoing an IIN, and the server sequences them', async () => {
    const dataDir = tempDir();
    const year = new Date().getUTCFullYear();
    const parent = iinBornOn('1984-02-10', 101);
    const childA = iinBornOn(`${year - 9}-03-15`, 111);
    const childB = iinBornOn(`${year - 12}-07-01`, 121);
    const adult = iinBornOn('2000-01-01', 131);
    const csv = path.join(dataDir, 'guardians.csv');
    writeFileSync(
      csv,
      [
        'guardianIin,childIin,relation,reference',
        `${parent},${childA},parent,"Birth certificate No. 1, Astana"`,
        `${parent},${childB},guardian,Akimat decision 12/2025`,
      ].join('\n'),
    );
    const rows = async () => {
      const storage = await openStorage({ dataDir });
      try {
        return {
          guardianships: (await storage.db.selectFrom('guardianships').select('id').execute())
            .length,
          outbox: await storage.db.selectFrom('outbox').select(['type', 'ledger_index']).execute(),
        };
      } finally {
        await storage.close();
      }
    };

    const bad = path.join(dataDir, 'bad.json');
    const invalidIin = `${parent.slice(0, 11)}${(Number(parent[11]) + 1) % 10}`;
    writeFileSync(
      bad,
      JSON.stringify({
        guardianships: [
          { guardianIin: parent, childIin: childA, relation: 'parent', reference: 'Cert 1' },
          { guardianIin: parent, childIin: adult, relation: 'parent', reference: 'Cert 2' },
          { guardianIin: invalidIin, childIin: childB, relation: 'parent', reference: 'Cert 3' },
          { guardianIin: parent, childIin: childB, relation: 'aunt', reference: '' },
        ],
      }),
    );
    const refusedShape = await runCli(['consent', 'import-guardians', bad, '--data-dir', dataDir]);
    expect(refusedShape.code).toBe(1);
    expect(refusedShape.stdout).toContain('2 problems; nothing was imported');
    expect(refusedShape.stdout).toContain(
      'record 4: relation: must be one of parent, guardian, trustee',
    );
    expect(refusedShape.stdout).toContain('record 4: reference:');

    writeFileSync(
      bad,
      JSON.stringify([
        { guardianIin: parent, childIin: childA, relation: 'parent', reference: 'Cert 1' },
        { guardianIin: parent, childIin: adult, relation: 'parent', reference: 'Cert 2' },
        { guardianIin: invalidIin, childIin: childB, relation: 'parent', reference: 'Cert 3' },
        { guardianIin: childB, childIin: childA, relation: 'guardian', reference: 'Cert 4' },
      ]),
    );
    const refused = await runCli(['consent', 'import-guardians', bad, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('3 problems; nothing was imported');
    expect(refused.stdout).toContain('record 2: childIin: the child is 18 or older.');
    expect(refused.stdout).toContain('record 3: guardianIin: IIN check digit');
    // docs/CONSENT.md: the guardian must be an adult.
    expect(refused.stdout).toContain('record 4: guardianIin: a guardian must be an adult.');
    for (const iin of [parent, adult, invalidIin, childA, childB])
      expect(refused.stdout).not.toContain(iin);
    expect((await rows()).guardianships).toBe(0);

    const imported = await runCli(['consent', 'import-guardians', csv, '--data-dir', dataDir]);
    expect(imported).toMatchObject({
      code: 0,
      stdout: `${csv}: recorded 2 guardianships; a running server sequences them into the ledger\n`,
    });
    const again = await runCli(['consent', 'import-guardians', csv, '--data-dir', dataDir]);
    expect(again.stdout).toContain('recorded 0 guardianships (2 already recorded)');
    const before = await rows();
    expect(before.guardianships).toBe(2);
    expect(before.outbox.filter((r) => r.type === 'consent.guardianship-recorded')).toEqual([
      { type: 'consent.guardianship-recorded', ledger_index: null },
      { type: 'consent.guardianship-recorded', ledger_index: null },
    ]);

    // The next server start sequences what the CLI wrote into the ledger.
    const qalqan = await createQalqan(loadConfig({ QALQAN_DATA_DIR: dataDir }), { logger: false });
    await qalqan.close();
    const after = await rows();
    expect(
      after.outbox
        .filter((r) => r.type === 'consent.guardianship-recorded')
        .every((r) => r.ledger_index !== null),
    ).toBe(true);
  });
});
