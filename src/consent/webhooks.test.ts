import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { checkWebhookUrl, isNonPublicAddress } from './webhooks.js';

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

  it('accepts an https URL to a public address, and local http only in demo mode', async () => {
    await expect(checkWebhookUrl('https://8.8.8.8/hook', production)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://127.0.0.1:9/hook', demo)).resolves.toBeInstanceOf(URL);
  });
});
