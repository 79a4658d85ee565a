/**
 * Checks a consent receipt (compact JWS, EdDSA / Ed25519) in the browser against the keys the
 * server publishes at /.well-known/jwks.json, so the citizen sees it verified without trusting
 * the page's word for it.
 */
import { answer, api } from './client';
import { isRecord } from './http';
import { decodeBase64 } from '../ledger/encoding';

const fromBase64Url = (text: string) =>
  decodeBase64(
    text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4),
  );

export type ReceiptVerdict = 'verified' | 'invalid' | 'unknown-key' | 'unsupported';

export async function verifyConsentReceipt(
  jws: string,
  signal?: AbortSignal,
): Promise<ReceiptVerdict> {
  const [header, payload, signature] = jws.split('.');
  const headerBytes = header ? fromBase64Url(header) : undefined;
  const signatureBytes = signature ? fromBase64Url(signature) : undefined;
  if (!headerBytes || !payload || !signatureBytes) return 'invalid';
  const { kid } = JSON.parse(new TextDecoder().decode(headerBytes)) as { kid?: string };
  const jwks: unknown = await answer(api.GET('/.well-known/jwks.json', { signal }));
  const keys = isRecord(jwks) && Array.isArray(jwks.keys) ? (jwks.keys as JsonWebKey[]) : [];
  const jwk = keys.find((k) => (k as { kid?: string }).kid === kid);
  if (!jwk) return 'unknown-key';
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { ...jwk, alg: undefined } as JsonWebKey,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      signatureBytes as Uint8Array<ArrayBuffer>,
      new TextEncoder().encode(`${header}.${payload}`),
    );
    return ok ? 'verified' : 'invalid';
  } catch {
    return 'unsupported';
  }
}
