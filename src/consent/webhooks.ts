/**
 * Signed webhooks to the system that asked for consent (Standard Webhooks: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`). A delivery row is written in the same transaction as
 * the consent event, so nothing is lost when the endpoint is down or Qalqan restarts; a worker
 * posts due rows and retries with exponential backoff, keeping the same `webhook-id`.
 *
 * SSRF: outside demo mode the URL must be https and its host must resolve only to public
 * addresses — checked when the request is made and again at every delivery, on the address
 * actually connected to (a `lookup` hook), so DNS rebinding cannot reach an internal service.
 */
import { randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { DomainError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { FieldCipher } from '../secrets/field-cipher.js';
import type { ConsentEvent } from './consent.model.js';
import type { ConsentDb, StoredConsent } from './consent.store.js';

export interface WebhookPolicy {
  /** Demo mode: http and private / loopback addresses allowed (a local receiver). */
  readonly allowInsecure: boolean;
  /**
   * The wait after a first failed attempt, doubled after each further one
   * (`QALQAN_WEBHOOK_RETRY_BASE_MS`; default `DEFAULT_RETRY_BASE_MS`).
   */
  readonly retryBaseMs?: number;
}

const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

/** Loopback, link-local, private, shared, multicast or unspecified: never a webhook target. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const insecure = (detail: string, field: string) =>
  new DomainError('consent.insecure_webhook_url', `${field}: ${detail}`, { field });

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });
}

/** Refuses a callback URL that is not https or reaches a non-public address (outside demo mode). */
export async function checkWebhookUrl(
  raw: string,
  policy: WebhookPolicy,
  field = 'callbackUrl',
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw insecure('is not an absolute URL', field);
  }
  if (url.protocol !== 'https:' && !(policy.allowInsecure && url.protocol === 'http:'))
    throw insecure('must be an https URL', field);
  if (url.username || url.password) throw insecure('must not carry credentials', field);
  if (policy.allowInsecure) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(host);
  } catch {
    throw insecure(`the host ${host} does not resolve`, field);
  }
  if (addresses.length === 0 || addresses.some((a) => isNonPublicAddress(a.address)))
    throw insecure(
      'resolves to a loopback, link-local or private address; webhooks go to public hosts only',
      field,
    );
  return url;
}

/** A DNS lookup that refuses non-public answers, used for the connection itself. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses;
    const bad = list.find((a) => isNonPublicAddress(a.address));
    if (bad || list.length === 0)
      return callback(new Error(`${hostname} resolves to a non-public address`), '', 0);
    if (options.all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/**
 * Options of the request that posts a delivery: outside demo mode the connection resolves its
 * host through `guardedLookup`, so a name that passed `checkWebhookUrl` and then resolves to an
 * internal address (DNS rebinding) is not connected to.
 */
export function connectionOptions(policy: WebhookPolicy): { lookup?: LookupFunction } {
  return policy.allowInsecure ? {} : { lookup: guardedLookup };
}

export const secretContext = (systemId: string) => `consent.webhook-secret:${systemId}`;

/** A new signing secret (`whsec_…`); the previous one keeps signing for a day so receivers can switch. */
export async function rotateWebhookSecret(
  db: ConsentDb,
  fields: FieldCipher,
  systemId: string,
  at: string,
): Promise<{ secret: string; previousValidUntil: string | null }> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const sealed = fields.encrypt(secret, secretContext(systemId));
  const current = await db
    .selectFrom('webhook_secrets')
    .selectAll()
    .where('system_id', '=', systemId)
    .executeTakeFirst();
  if (!current) {
    await db
      .insertInto('webhook_secrets')
      .values({
        system_id: systemId,
        secret_sealed: sealed,
        previous_sealed: null,
        previous_until: null,
        created_at: at,
        rotated_at: at,
      })
      .execute();
    return { secret, previousValidUntil: null };
  }
  const previousUntil = new Date(Date.parse(at) + 24 * 3600 * 1000).toISOString();
  await db
    .updateTable('webhook_secrets')
    .set({
      secret_sealed: sealed,
      previous_sealed: current.secret_sealed,
      previous_until: previousUntil,
      rotated_at: at,
    })
    .where('system_id', '=', systemId)
    .execute();
  return { secret, previousValidUntil: previousUntil };
}

/** The webhook body: what happened to the request, never the subject's identity. */
export function webhookPayload(consent: StoredConsent, event: ConsentEvent): string {
  return JSON.stringify({
    type: `consent.${event.type}`,
    timestamp: event.at,
    data: {
      requestId: consent.id,
      state: consent.state,
      eventId: event.id,
      at: event.at,
      ...(consent.validFrom ? { validFrom: consent.validFrom } : {}),
      validUntil: consent.validUntil,
      ...(event.reason ? { reason: event.reason } : {}),
    },
  });
}

/** Writes the delivery owed for `event` (in the event's transaction), if the request has a callback. */
export async function enqueueWebhook(
  trx: ConsentDb,
  consent: StoredConsent,
  event: ConsentEvent,
  at: string,
): Promise<void> {
  if (!consent.callbackUrl || event.type === 'requested') return;
  await trx
    .insertInto('webhook_deliveries')
    .values({
      id: newId('msg', Date.parse(at)),
      system_id: consent.requestedBy,
      consent_id: consent.id,
      event_id: event.id,
      event_type: `consent.${event.type}`,
      url: consent.callbackUrl,
      payload_json: webhookPayload(consent, event),
      status: 'pending',
      attempts: 0,
      next_attempt_at: at,
      last_attempt_at: null,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: at,
    })
    .execute();
}

export const MAX_ATTEMPTS = 15;
export const DEFAULT_RETRY_BASE_MS = 10_000;
export const MAX_RETRY_DELAY_MS = 6 * 3600 * 1000;
/**
 * The wait before the next attempt after `attempts` failed ones: `baseMs`, doubled each time,
 * capped at 6 h. With the default 10 s (10 s, 20 s, 40 s …, the last two 6 h) the 15th and last
 * attempt comes about 23 h after the first; a shorter base gives up sooner (1 s: about 4.5 h).
 */
export function backoffMs(attempts: number, baseMs: number = DEFAULT_RETRY_BASE_MS): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

export interface DeliveryDeps {
  readonly db: ConsentDb;
  readonly fields: FieldCipher;
  readonly policy: WebhookPolicy;
  readonly clock: () => Date;
  readonly timeoutMs?: number;
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  policy: WebhookPolicy,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        timeout: timeoutMs,
        ...connectionOptions(policy),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts due deliveries once. A row is claimed by moving its next attempt forward under a version
 * check (its old `next_attempt_at`), so two workers never post the same row at once; a crash
 * between claim and answer only delays the retry, with the same `webhook-id`.
 */
export async function deliverDue(deps: DeliveryDeps, limit = 20): Promise<number> {
  const { db, clock } = deps;
  const now = clock().toISOString();
  const due = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  let delivered = 0;
  for (const row of due) {
    const attempts = row.attempts + 1;
    const retryAt = new Date(
      clock().getTime() + backoffMs(attempts, deps.policy.retryBaseMs),
    ).toISOString();
    const claimed = await db
      .updateTable('webhook_deliveries')
      .set({ attempts, next_attempt_at: retryAt, last_attempt_at: now })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', row.next_attempt_at)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const secrets = await db
        .selectFrom('webhook_secrets')
        .selectAll()
        .where('system_id', '=', row.system_id)
        .executeTakeFirst();
      if (!secrets) throw new Error('the system has no webhook signing secret');
      const signingSecrets = [
        deps.fields.decrypt(secrets.secret_sealed, secretContext(row.system_id)),
      ];
      if (secrets.previous_sealed && secrets.previous_until && secrets.previous_until > now)
        signingSecrets.push(
          deps.fields.decrypt(secrets.previous_sealed, secretContext(row.system_id)),
        );
      const sentAt = clock();
      // Standard Webhooks: several signatures, space-separated, while a rotated secret retires.
      const signature = signingSecrets
        .map((secret) => new Webhook(secret).sign(row.id, sentAt, row.payload_json))
        .join(' ');
      if (!deps.policy.allowInsecure) await checkWebhookUrl(row.url, deps.policy, 'url');
      status = await post(
        new URL(row.url),
        row.payload_json,
        {
          'webhook-id': row.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        deps.policy,
        deps.timeoutMs ?? 10_000,
      );
      if (status < 200 || status >= 300) error = `the endpoint answered ${status}`;
    } catch (e) {
      error = e instanceof DomainError ? e.detail : e instanceof Error ? e.message : String(e);
    }
    const ok = error === null;
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: ok ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        last_status: status,
        last_error: error?.slice(0, 500) ?? null,
        delivered_at: ok ? clock().toISOString() : null,
      })
      .where('id', '=', row.id)
      .execute();
    if (ok) delivered++;
  }
  return delivered;
}

export interface DeliveryView {
  readonly id: string;
  readonly requestId: string;
  readonly eventId: string;
  readonly type: string;
  readonly url: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

/** Delivery status for the system: its own rows only, newest first, or one request's. */
export async function deliveriesOf(
  db: ConsentDb,
  systemId: string,
  requestId?: string,
  limit = 100,
): Promise<DeliveryView[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (requestId) query = query.where('consent_id', '=', requestId);
  return (await query.execute()).map((row) => ({
    id: row.id,
    requestId: row.consent_id,
    eventId: row.event_id,
    type: row.event_type,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  }));
}
