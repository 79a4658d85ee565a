import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import {
  backoffMs,
  checkWebhookUrl,
  connectionOptions,
  isNonPublicAddress,
  MAX_ATTEMPTS,
} from './webhooks.js';

const production = { allowInsecure: false } as const;
const demo = { allowInsecure: true } as const;

async function refusal(url: string): Promise<DomainError> {
  const error: unknown = await checkWebhookUrl(url, production).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, url).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('webhook targets outside demo mode (SSRF)', () => {
  it('classifies loopback, link-local, private, shared and unspecified addresses as non-public', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      'not-an-address',
    ])
      expect(isNonPublicAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888'])
      expect(isNonPublicAddress(address), address).toBe(false);
  });

  it('refuses http, credentials, and hosts that are or resolve to non-public addresses', async () => {
    for (const url of [
      'http://8.8.8.8/hook',
      'https://user:pw@8.8.8.8/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.5/hook',
      'https://localhost/hook',
      'not a url',
    ]) {
      const error = await refusal(url);
      expect(error.code, url).toBe('consent.insecure_webhook_url');
    }
  });

  it('refuses on connecting a name that resolves to a non-public address (DNS rebinding)', async () => {
    // What a delivery does after checkWebhookUrl passed, once the name points inside.
    const connect = (url: string) =>
      new Promise<Error>((resolve) => {
        const request = httpsRequest(url, { method: 'POST', ...connectionOptions(production) });
        request.on('response', () => resolve(new Error('the request was answered')));
        request.on('error', resolve);
        request.end();
      });
    expect((await connect('https://localhost:9/hook')).message).toBe(
      'localhost resolves to a non-public address',
    );
    const lookup = connectionOptions(production).lookup!;
    const answer = await new Promise<unknown>((resolve, reject) =>
      lookup('8.8.8.8', {}, (error, address) => (error ? reject(error) : resolve(address))),
    );
    expect(answer).toBe('8.8.8.8');
    expect(connectionOptions(demo)).toEqual({});
  });

  it('accepts an https URL to a public address, and local http only in demo mode', async () => {
    await expect(checkWebhookUrl('https://8.8.8.8/hook', production)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://127.0.0.1:9/hook', demo)).resolves.toBeInstanceOf(URL);
  });
});

describe('webhook retry backoff', () => {
  const HOUR = 3600 * 1000;
  /** When the last attempt comes, counted from the first: the waits after attempts 1 … 14. */
  const lastAttemptAfter = (baseMs?: number) =>
    Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i + 1, baseMs)).reduce(
      (sum, wait) => sum + wait,
      0,
    );

  it('waits 10 s, 20 s, 40 s … by default, capped at 6 h; the 15th attempt about 23 h after the first', () => {
    expect([1, 2, 3, 4].map((attempts) => backoffMs(attempts))).toEqual([
      10_000, 20_000, 40_000, 80_000,
    ]);
    expect(backoffMs(12)).toBe(10_000 * 2 ** 11);
    expect(backoffMs(13)).toBe(6 * HOUR);
    expect(backoffMs(14)).toBe(6 * HOUR);
    expect(backoffMs(40)).toBe(6 * HOUR);
    expect(MAX_ATTEMPTS).toBe(15);
    expect(lastAttemptAfter() / HOUR).toBeCloseTo(23.4, 1);
  });

  it('starts from the base it is given, doubling to the same 6 h cap', () => {
    expect([1, 2, 3, 4].map((attempts) => backoffMs(attempts, 500))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect(backoffMs(1, 3_600_000)).toBe(HOUR);
    expect(backoffMs(3, 3_600_000)).toBe(4 * HOUR);
    expect(backoffMs(4, 3_600_000)).toBe(6 * HOUR);
    expect(backoffMs(16, 1000)).toBe(6 * HOUR);
    expect(backoffMs(14, 1000)).toBe(1000 * 2 ** 13);
    expect(lastAttemptAfter(1000) / HOUR).toBeCloseTo(4.55, 2);
  });
});
