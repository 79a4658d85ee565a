/**
 * Signed consent receipts: a JWS (EdDSA over Ed25519, `jose`) over a JSON document with Kantara
 * Consent Receipt v1.1 and ISO/IEC TS 27560 field names, naming the subject only by pseudonym.
 *
 * Keys are files in `<dataDir>/secrets/receipt-keys/` handled like the other secrets (created
 * with O_EXCL, owner-only, refused when others can read them). The newest file signs; every key
 * stays published at `/.well-known/jwks.json`, so receipts signed before a rotation still verify.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { ensurePrivateDir, readKeyFile, readOrCreateKeyFile } from '../secrets/key-files.js';
import type { TaxonomyIndex } from '../core/taxonomy.js';
import type { ConsentWithEvents } from './consent.service.js';
import type { DeclaredSystem } from './consent.ports.js';

export const RECEIPT_TYPE = 'consent-receipt+jws';
/** PKCS#8 prefix of an Ed25519 private key; the key files hold the 32-byte seed that follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

interface ReceiptKey {
  readonly kid: string;
  readonly file: string;
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

export interface ReceiptSigner {
  /** Every key, newest first: the public half only. */
  jwks(): JSONWebKeySet;
  sign(document: Record<string, unknown>): Promise<string>;
  readonly currentKid: string;
}

export function receiptKeysDir(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'receipt-keys');
}

async function loadKey(file: string): Promise<ReceiptKey> {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, readKeyFile(file)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, file, privateKey, jwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } };
}

/** Adds a new signing key (file names sort by creation time); the old ones stay published. */
export function rotateReceiptKey(dir: string, now: Date = new Date()): string {
  ensurePrivateDir(dir);
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const file = path.join(dir, `${stamp}.key`);
  readOrCreateKeyFile(file);
  return file;
}

/** Loads every key in `dir`, creating the first one when there is none. */
export async function loadReceiptSigner(dir: string): Promise<ReceiptSigner> {
  ensurePrivateDir(dir);
  let files = readdirSync(dir).filter((name) => name.endsWith('.key'));
  if (files.length === 0) {
    rotateReceiptKey(dir);
    files = readdirSync(dir).filter((name) => name.endsWith('.key'));
  }
  const keys = await Promise.all(
    files
      .sort()
      .reverse()
      .map((name) => loadKey(path.join(dir, name))),
  );
  const current = keys[0]!;
  return {
    currentKid: current.kid,
    jwks: () => ({ keys: keys.map((key) => key.jwk) }),
    sign: (document) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(document)))
        .setProtectedHeader({ alg: 'EdDSA', kid: current.kid, typ: RECEIPT_TYPE })
        .sign(current.privateKey),
  };
}

/**
 * The receipt document. Kantara v1.1 names (`consentReceiptID`, `piiPrincipalId`,
 * `piiControllers`, `services[].purposes[]`, `sensitive`, `spiCat`) carry the essentials; ISO
 * 27560 names carry the rest (state, validity, recipients, locations, retention, events).
 */
export function receiptDocument(
  consent: ConsentWithEvents,
  systems: readonly DeclaredSystem[],
  taxonomy: TaxonomyIndex,
  issuedAt: string,
): Record<string, unknown> {
  const operatorName = systems[0]?.operatorName ?? consent.controller;
  const special = consent.categories.filter((code) => taxonomy.category(code)?.special);
  const recipientNames = consent.recipients.map((r) => r.name);
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: 'KZ',
    consentTimestamp: Math.floor(Date.parse(consent.validFrom ?? consent.createdAt) / 1000),
    collectionMethod: consent.collectionMethod,
    consentReceiptID: `${consent.id}.${consent.version}`,
    language: consent.language,
    piiPrincipalId: consent.subject,
    piiControllers: [{ piiController: operatorName, piiControllerId: consent.controller }],
    policyUrl: consent.policyUrl,
    services: consent.systems.map((systemId) => ({
      service: systems.find((s) => s.id === systemId)?.name ?? systemId,
      serviceId: systemId,
      purposes: consent.purposes.map((purpose, i) => ({
        purpose,
        purposeCategory: [purpose],
        consentType: 'EXPLICIT',
        piiCategory: [...consent.categories],
        primaryPurpose: i === 0,
        termination: consent.validUntil,
        thirdPartyDisclosure: consent.recipients.length > 0,
        ...(recipientNames.length > 0 ? { thirdPartyName: recipientNames.join('; ') } : {}),
      })),
    })),
    sensitive: special.length > 0,
    spiCat: special,
    // ISO/IEC TS 27560
    consentId: consent.id,
    state: consent.state,
    legalBasis: consent.legalBasis,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    recipients: consent.recipients,
    processingLocations: consent.processingCountries,
    storageLocations: consent.storageCountries,
    retentionPeriod: consent.retention,
    withdrawalMethod: consent.withdrawalMethod,
    events: consent.events.map((event) => ({
      id: event.id,
      type: event.type,
      at: event.at,
      actor: event.actor.kind,
      ...(event.reason ? { reason: event.reason } : {}),
    })),
    issuedAt,
  };
}

export type ReceiptCheck =
  | { readonly ok: true; readonly kid: string; readonly document: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

/** Verifies a receipt against a key set and says why not. */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet): Promise<ReceiptCheck> {
  const token = jws.trim();
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    return { ok: false, reason: 'not a compact JWS (three base64url parts separated by dots)' };
  try {
    const { payload, protectedHeader } = await compactVerify(token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
    });
    if (protectedHeader.typ !== RECEIPT_TYPE)
      return {
        ok: false,
        reason: `the token is not a consent receipt (typ ${protectedHeader.typ ?? 'missing'})`,
      };
    return {
      ok: true,
      kid: protectedHeader.kid ?? '',
      document: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>,
    };
  } catch (error) {
    if (error instanceof joseErrors.JWKSNoMatchingKey)
      return { ok: false, reason: "unknown key id: no key in the key set has the receipt's kid" };
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      return {
        ok: false,
        reason: 'bad signature: the receipt was altered or signed by another key',
      };
    if (error instanceof joseErrors.JOSEAlgNotAllowed)
      return { ok: false, reason: 'the receipt is not signed with EdDSA' };
    return { ok: false, reason: `the receipt cannot be read: ${(error as Error).message}` };
  }
}
