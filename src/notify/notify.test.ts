import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus, type DomainEvent } from '../events/index.js';
import { buildApp, type App } from '../http/app.js';
import { bearerToken, type Authenticator } from '../http/access.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { categoryOf, subjectsOf } from './categories.js';
import { createNotifyModule, type NotifyModule } from './notify.module.js';

const ME = 'p1_' + 'a'.repeat(43);
const OTHER = 'p1_' + 'b'.repeat(43);
/** A citizen of one test's own: tests run shuffled, so none may see another's notifications. */
const fresh = () => `p1_${randomBytes(32).toString('base64url').slice(0, 43)}`;
const citizen = (pseudonym: string) => ({ authorization: `Bearer citizen.${pseudonym}` });
const staff = { authorization: 'Bearer staff.regulator' };

function event(
  type: string,
  data: Record<string, unknown>,
  id = `cev_${randomBytes(8).toString('hex')}`,
): DomainEvent {
  return { id, type, at: '2026-11-25T10:00:00.000Z', data: data as DomainEvent['data'] };
}

describe('inbox categories', () => {
  it('sorts event types into categories and ignores the rest', () => {
    expect(categoryOf('access.checked')).toBe('access');
    expect(categoryOf('consent.requested')).toBe('consent-request');
    expect(categoryOf('consent.withdrawn')).toBe('consent-change');
    expect(categoryOf('breach.notified')).toBe('breach');
    expect(categoryOf('registry.system.updated')).toBeNull();
  });

  it('finds the subjects by pseudonym only, never from malformed values', () => {
    expect(
      subjectsOf(event('breach.notified', { subjects: [ME, OTHER, 42, '900101300011'] })),
    ).toEqual([ME, OTHER]);
    expect(subjectsOf(event('access.checked', { subject: 'x' }))).toEqual([]);
  });
});

describeStorage('citizen inbox', (fx) => {
  let app: App;
  let notify: NotifyModule;
  const bus = createInProcessBus({
    onHandlerError: (error) => {
      throw error;
    },
  });
  beforeAll(async () => {
    notify = createNotifyModule({ db: fx.storage.db, events: bus, stream: { heartbeatMs: 30 } });
    const testCitizens: Authenticator = async (request) => {
      const token = bearerToken(request);
      if (token?.startsWith('citizen.'))
        return { kind: 'citizen', pseudonym: token.slice(8), sessionId: 'test' };
      if (token === 'staff.regulator')
        return { kind: 'staff', roles: ['regulator'], subject: 'r', name: 'Regulator' };
      return null;
    };
    app = await buildApp({
      config: { logLevel: 'silent', bodyLimit: 65536, trustProxy: false, metricsToken: undefined },
      checkReady: () => fx.storage.ping(),
      authenticators: [testCitizens],
      routes: notify.routes,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    notify.stop();
    await app.close();
  });

  const inbox = async (who: string, query = '') =>
    (await app.inject({ url: `/v1/me/inbox${query}`, headers: citizen(who) })).json<{
      notifications: {
        id: string;
        eventId: string;
        type: string;
        read: boolean;
        category: string;
      }[];
      unread: number;
      nextCursor: string | null;
    }>();

  it('stores an event once per citizen it touches, however often it is delivered', async () => {
    const ME = fresh();
    const OTHER = fresh();
    const dupId = `cev_${randomBytes(8).toString('hex')}`;
    const requested = event('consent.requested', { subject: ME, consentId: 'con_1' }, dupId);
    await bus.publish([requested, requested]);
    await bus.publish([requested]);
    await bus.publish([event('registry.system.updated', { subject: ME })]);
    const mine = await inbox(ME);
    expect(mine.notifications.filter((n) => n.eventId === dupId)).toHaveLength(1);
    expect(mine.notifications.map((n) => n.type)).not.toContain('registry.system.updated');
    expect(mine.unread).toBe(1);
    expect((await inbox(OTHER)).notifications).toEqual([]);
  });

  it('marks read one at a time or all; another citizen’s notification is not found', async () => {
    const ME = fresh();
    const OTHER = fresh();
    await bus.publish([event('consent.requested', { subject: ME })]);
    await bus.publish([event('access.checked', { subject: ME, decision: 'allow' })]);
    const { notifications, unread } = await inbox(ME);
    expect(unread).toBe(2);
    const first = notifications[0]!;
    const theirs = await app.inject({
      method: 'POST',
      url: `/v1/me/inbox/${first.id}/read`,
      headers: citizen(OTHER),
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ code: 'notify.not_found' });
    expect((await inbox(ME)).unread).toBe(2);
    const read = await app.inject({
      method: 'POST',
      url: `/v1/me/inbox/${first.id}/read`,
      headers: citizen(ME),
    });
    expect(read.statusCode).toBe(204);
    expect((await inbox(ME)).unread).toBe(1);
    expect((await inbox(ME, '?unread=true')).notifications).toHaveLength(1);
    const all = await app.inject({
      method: 'POST',
      url: '/v1/me/inbox/read-all',
      headers: citizen(ME),
    });
    expect(all.json()).toEqual({ marked: 1 });
    expect((await inbox(ME)).unread).toBe(0);
  });

  it('keeps muted categories quietly (already read) and says so in the preferences', async () => {
    const ME = fresh();
    const mutedId = `cev_${randomBytes(8).toString('hex')}`;
    await bus.publish([event('access.checked', { subject: ME, decision: 'permit' })]);
    const initial = await app.inject({ url: '/v1/me/inbox/preferences', headers: citizen(ME) });
    expect(initial.json()).toEqual({
      preferences: { access: true, 'consent-request': true, 'consent-change': true, breach: true },
    });
    const set = await app.inject({
      method: 'PUT',
      url: '/v1/me/inbox/preferences',
      headers: citizen(ME),
      payload: { preferences: { access: false } },
    });
    expect(set.json<{ preferences: { access: boolean } }>().preferences.access).toBe(false);
    await bus.publish([event('access.checked', { subject: ME, decision: 'deny' }, mutedId)]);
    const muted = (await inbox(ME)).notifications.find((n) => n.eventId === mutedId)!;
    expect(muted.read).toBe(true);
    expect((await inbox(ME, '?category=access')).notifications.length).toBe(2);
    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/me/inbox/preferences',
      headers: citizen(ME),
      payload: { preferences: { sms: true } },
    });
    expect(bad.statusCode).toBe(400);
    await app.inject({
      method: 'PUT',
      url: '/v1/me/inbox/preferences',
      headers: citizen(ME),
      payload: { preferences: { access: true } },
    });
  });

  it('stores a published batch together: each citizen once per event, muted ones read, a redelivery adds none', async () => {
    const ME = fresh();
    const OTHER = fresh();
    await notify.inbox.setPreferences(OTHER, { access: false });
    const batch = [
      event('access.checked', { subject: ME }),
      event('access.checked', { subject: OTHER }),
      event('breach.notified', { subjects: [ME, OTHER] }),
      event('registry.system.updated', { subject: ME }),
    ];
    expect(await notify.inbox.receiveAll(batch)).toBe(4);
    expect(await notify.inbox.receiveAll(batch)).toBe(0);
    await bus.publish(batch);
    const mine = await inbox(ME);
    expect(mine.notifications.map((n) => n.category).sort()).toEqual(['access', 'breach']);
    expect(mine.unread).toBe(2);
    const theirs = await inbox(OTHER);
    expect(theirs.notifications.map((n) => [n.category, n.read]).sort()).toEqual([
      ['access', true],
      ['breach', false],
    ]);
  });

  it('pages newest first with a cursor', async () => {
    const OTHER = fresh();
    for (let i = 0; i < 5; i++)
      await bus.publish([event('consent.given', { subject: OTHER, n: i })]);
    const first = await inbox(OTHER, '?limit=2');
    expect(first.notifications).toHaveLength(2);
    const second = await inbox(OTHER, `?limit=2&before=${first.nextCursor}`);
    const third = await inbox(OTHER, `?limit=2&before=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    const ids = [...first.notifications, ...second.notifications, ...third.notifications].map(
      (n) => n.id,
    );
    expect(ids).toHaveLength(5);
    expect([...ids].sort().reverse()).toEqual(ids);
    // Only a notification id is a cursor: one past every id (U is not Crockford base32) is refused.
    for (const forged of [`ntf_${'U'.repeat(26)}`, 'ntf_', first.nextCursor!.toLowerCase()]) {
      const res = await app.inject({
        url: `/v1/me/inbox?before=${encodeURIComponent(forged)}`,
        headers: citizen(OTHER),
      });
      expect(res.statusCode, forged).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'request.validation',
        errors: [{ field: 'before' }],
      });
    }
  });

  it('streams new notifications live to their citizen only, and staff cannot open the stream', async () => {
    const ME = fresh();
    const OTHER = fresh();
    const { port } = app.server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/v1/me/inbox/stream`, {
      headers: citizen(ME),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await bus.publish([event('consent.withdrawn', { subject: OTHER }, 'cev_other')]);
    await bus.publish([event('consent.withdrawn', { subject: ME }, 'cev_live')]);
    while (!text.includes('cev_live')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    expect(text).toContain('event: notification');
    expect(text).toContain('"eventId":"cev_live"');
    expect(text).not.toContain('cev_other');

    const forbidden = await app.inject({ url: '/v1/me/inbox/stream', headers: staff });
    expect(forbidden.statusCode).toBe(403);
    const anonymous = await app.inject({ url: '/v1/me/inbox' });
    expect(anonymous.statusCode).toBe(401);
  });
});
