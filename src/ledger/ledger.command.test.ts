import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { main } from '../cli/main.js';
import type { App } from '../http/app.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openStorage } from '../storage/storage.js';
import { fifoWithWriter } from '../../test/support/fifo.js';
import { loadSigningKey } from './checkpoint/signing-key.js';
import type { Ledger } from './ledger.js';
import type { LedgerTables } from './ledger.tables.js';
import { createLedgerModule } from './ledger.module.js';
import { createMemoryLedgerStore } from './store/memory-store.js';
import { appendMany, openTestLedger, testSigner } from './test-support/fixtures.js';
import { type Served, flipByte, ledgerApp, serve } from './test-support/http.js';

function fakeIo(
  cwd: string,
  env: Record<string, string | undefined> = {},
  { terminal = false } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: terminal });
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const io: CliIo = {
    stdout,
    stderr,
    env,
    cwd,
    stopSignal: () => new Promise(() => undefined),
    setExitCode: () => undefined,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('qalqan ledger verify', () => {
  const signer = testSigner();
  const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-cli-'));
  let ledger: Ledger;
  let app: App;
  let served: Served;

  beforeAll(async () => {
    ledger = await openTestLedger(createMemoryLedgerStore(), signer);
    await appendMany(ledger, 500);
    app = await ledgerApp(ledger);
    served = await serve(app);
    writeFileSync(path.join(dir, 'vkey.txt'), `${signer.verifierKey}\n`);
  });
  afterAll(async () => {
    await served.close();
    await app.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one OK line, saves the checkpoint and later checks consistency with it', async () => {
    const first = fakeIo(dir);
    expect(
      await main(
        ['ledger', 'verify', '--url', served.url, '--vkey', 'vkey.txt', '--save', 'cp.txt'],
        first.io,
      ),
    ).toBe(0);
    expect(first.out()).toMatch(
      /^OK test\.qalqan\.kz\/ledger size 500 root \S+: 500 entries re-hashed, tiles and signature by \S+ verified\n$/,
    );
    expect(readFileSync(path.join(dir, 'cp.txt'), 'utf8')).toBe((await ledger.checkpoint()).note);

    await appendMany(ledger, 10, 500);
    const second = fakeIo(dir);
    expect(
      await main(
        [
          'ledger',
          'verify',
          '--url',
          served.url,
          '--vkey',
          signer.verifierKey,
          '--checkpoint',
          'cp.txt',
        ],
        second.io,
      ),
    ).toBe(0);
    expect(second.out()).toMatch(
      /size 510 .* consistent with the older checkpoint \(size 500\)\n$/,
    );
    expect(second.err()).toBe('');
  });

  it('exits 1 with a FAIL line when the served log does not verify', async () => {
    const tampered = await serve(app, (p, body) =>
      p === '/ledger/tile/entries/000' ? flipByte(body, 40) : undefined,
    );
    try {
      const run = fakeIo(dir);
      expect(
        await main(['ledger', 'verify', '--url', tampered.url, '--vkey', 'vkey.txt'], run.io),
      ).toBe(1);
      expect(run.out()).toMatch(
        /^FAIL test\.qalqan\.kz\/ledger: entry 0 does not hash to its leaf in tile tile\/0\/000\n$/,
      );
    } finally {
      await tampered.close();
    }
  });

  it('refuses an empty --checkpoint file instead of skipping the consistency check', async () => {
    writeFileSync(path.join(dir, 'empty-cp.txt'), '\n');
    const run = fakeIo(dir);
    expect(
      await main(
        [
          'ledger',
          'verify',
          '--url',
          served.url,
          '--vkey',
          'vkey.txt',
          '--checkpoint',
          'empty-cp.txt',
        ],
        run.io,
      ),
    ).toBe(2);
    expect(run.out()).toBe('');
    expect(run.err()).toBe('qalqan: --checkpoint: empty-cp.txt is empty (no checkpoint in it)\n');
  });

  it('refuses a --checkpoint or --vkey that is not a regular file or is over 64 KiB, in one line', async () => {
    const stop = fifoWithWriter(path.join(dir, 'cp-pipe'));
    try {
      const fromFifo = fakeIo(dir);
      expect(
        await main(
          [
            'ledger',
            'verify',
            '--url',
            served.url,
            '--vkey',
            'vkey.txt',
            '--checkpoint',
            'cp-pipe',
          ],
          fromFifo.io,
        ),
      ).toBe(2);
      expect(fromFifo.out()).toBe('');
      expect(fromFifo.err()).toBe('qalqan: --checkpoint: cp-pipe is not a regular file (a FIFO)\n');
    } finally {
      stop();
    }
    writeFileSync(path.join(dir, 'big-cp.txt'), '');
    truncateSync(path.join(dir, 'big-cp.txt'), 64 * 1024 + 1);
    const big = fakeIo(dir);
    expect(
      await main(
        [
          'ledger',
          'verify',
          '--url',
          served.url,
          '--vkey',
          'vkey.txt',
          '--checkpoint',
          'big-cp.txt',
        ],
        big.io,
      ),
    ).toBe(2);
    expect(big.err()).toBe(
      'qalqan: --checkpoint: big-cp.txt is larger than 64 KiB, the limit for a checkpoint\n',
    );
    const device = fakeIo(dir);
    expect(
      await main(['ledger', 'verify', '--url', served.url, '--vkey', '/dev/null'], device.io),
    ).toBe(2);
    expect(device.err()).toBe(
      'qalqan: --vkey: /dev/null is not a regular file (a character device)\n',
    );
  });

  it('says in one line why a --vkey or --save file cannot be used', async () => {
    mkdirSync(path.join(dir, 'a-dir'), { recursive: true });
    const vkey = fakeIo(dir);
    expect(await main(['ledger', 'verify', '--url', served.url, '--vkey', 'a-dir'], vkey.io)).toBe(
      2,
    );
    expect(vkey.err()).toBe('qalqan: --vkey: cannot read a-dir: EISDIR\n');
    const save = fakeIo(dir);
    expect(
      await main(
        ['ledger', 'verify', '--url', served.url, '--vkey', 'vkey.txt', '--save', 'no-dir/cp.txt'],
        save.io,
      ),
    ).toBe(2);
    expect(save.out()).toMatch(/^OK /);
    expect(save.err()).toBe(
      'qalqan: --save: the log verified, but its checkpoint cannot be written to no-dir/cp.txt: ENOENT\n',
    );
  });

  it('exits 2 for an unreachable server and for bad arguments', async () => {
    const down = fakeIo(dir);
    expect(await main(['ledger', 'verify', '--url', 'http://127.0.0.1:9'], down.io)).toBe(2);
    expect(down.out()).toMatch(/^FAIL .*cannot fetch/);
    // A base URL that serves no log (here one path too deep): nothing was checked, so not a FAIL.
    const wrong = fakeIo(dir);
    expect(await main(['ledger', 'verify', '--url', `${served.url}/v1`], wrong.io)).toBe(2);
    expect(wrong.out()).toMatch(
      /^FAIL .*\/v1\/ledger\/vkey answered 404: is \S+\/v1 the base URL of a Qalqan server\?\n$/,
    );
    const bad = fakeIo(dir);
    expect(await main(['ledger', 'verify', '--url', 'ftp://x'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--url must be an http\(s\) URL/);
    expect(
      await main(['ledger', 'verify', '--url', served.url, '--vkey', 'nope+1+2'], bad.io),
    ).toBe(2);
  });
});

describe('qalqan ledger verify on a log of 64 tiles', () => {
  // 63 full leaf tiles and a level-1 tile of their 63 hashes: 64 tiles, the fewest that show a bar.
  const size = 63 * 256;
  const signer = testSigner();
  const dir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-cli-64-'));
  const verify = ['ledger', 'verify', '--vkey', signer.verifierKey, '--url'];
  let ledger: Ledger;
  let app: App;
  let server: ReturnType<typeof createServer>;
  let url: string;
  /** Requests the server holds (each answered 5 ms late, so parallel ones overlap). */
  let inFlight = 0;
  let mostInFlight = 0;

  beforeAll(async () => {
    ledger = await openTestLedger(createMemoryLedgerStore(), signer, {
      batch: { maxEntries: 4096 },
    });
    await appendMany(ledger, size);
    app = await ledgerApp(ledger);
    server = createServer((request, response) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        void app.inject({ method: 'GET', url: request.url ?? '/' }).then((res) => {
          inFlight--;
          response.writeHead(res.statusCode).end(res.rawPayload);
        });
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps 8 requests in flight, never more, and writes nothing to stderr when it is not a terminal', async () => {
    mostInFlight = 0;
    const piped = fakeIo(dir);
    expect(await main([...verify, url], piped.io)).toBe(0);
    expect(piped.out()).toMatch(/^OK test\.qalqan\.kz\/ledger size 16128 [^\n]*\n$/);
    expect(mostInFlight).toBe(8);
    expect(piped.err()).toBe('');
  });

  it('draws a progress bar of the tiles on stderr when it is a terminal', async () => {
    const terminal = fakeIo(dir, {}, { terminal: true });
    expect(await main([...verify, url], terminal.io)).toBe(0);
    expect(terminal.err()).toMatch(/verifying \[[^\]]*\] \d+% \| \d+\/64 tiles/);
    expect(terminal.err()).toContain('100% | 64/64 tiles');
    // The verdict alone on stdout, as without a terminal.
    expect(terminal.out()).toMatch(/^OK test\.qalqan\.kz\/ledger size 16128 [^\n]*\n$/);
  });
});

describe('qalqan ledger fsck and vkey', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-fsck-'));
  const env = { QALQAN_LEDGER_ORIGIN: 'fsck.qalqan.kz/ledger' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('checks the local SQLite ledger, and finds a changed entry', async () => {
    const storage = await openStorage({ dataDir });
    await migrateToLatest(storage.db);
    const config = {
      dataDir,
      publicUrl: undefined,
      ledger: {
        origin: env.QALQAN_LEDGER_ORIGIN,
        batchSize: 64,
        batchMs: 1,
        signingKeyFile: undefined,
        signingKey: undefined,
        fullCheckUpTo: 100_000,
      },
    };
    const module = await createLedgerModule({ config, storage });
    expect(module.keySource).toMatch(/ledger-signing\.key \(generated\)$/);
    await appendMany(module.ledger, 300);
    await module.close();

    const vkey = fakeIo(dataDir, env);
    expect(await main(['ledger', 'vkey', '--data-dir', dataDir], vkey.io)).toBe(0);
    expect(vkey.out()).toBe(
      `${loadSigningKey(env.QALQAN_LEDGER_ORIGIN, { dataDir }).signer.verifierKey}\n`,
    );

    const ok = fakeIo(dataDir, env);
    expect(await main(['ledger', 'fsck', '--data-dir', dataDir, '--records'], ok.io)).toBe(0);
    expect(ok.out()).toMatch(
      /^OK ledger in .*qalqan\.db: size 300; 300 entries, \d+ tiles, \d+ checkpoints, 300 private records verified\n$/,
    );

    const db = storage.db as unknown as Kysely<LedgerTables>;
    await db
      .updateTable('ledger_entries')
      .set({ data: Buffer.from('forged') })
      .where('idx', '=', 3)
      .execute();
    await storage.close();
    const bad = fakeIo(dataDir, env);
    expect(await main(['ledger', 'fsck', '--data-dir', dataDir], bad.io)).toBe(1);
    expect(bad.out()).toMatch(
      /^FAIL ledger in .*: \d+ problem\(s\) after checking .*\n {2}- .*tile tile\/0\/000 does not match the entries/s,
    );
  });

  it('refuses to run without any key to check signatures with', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'qalqan-ledger-nokey-'));
    const run = fakeIo(empty, env);
    expect(await main(['ledger', 'fsck', '--data-dir', empty], run.io)).toBe(2);
    expect(run.err()).toMatch(/no ledger signing key in .* pass --vkey/);
    rmSync(empty, { recursive: true, force: true });
  });
});
