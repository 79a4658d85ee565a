import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/locales/en';
import { kk } from '../../i18n/locales/kk';
import { ru } from '../../i18n/locales/ru';
import { EVENT_MESSAGES, eventMessage, whoOf } from './event-message';

describe('inbox event sentences', () => {
  it('names an access by its decision', () => {
    expect(eventMessage({ type: 'access.checked', data: { decision: 'permit' } })).toBe(
      'access_permit',
    );
    expect(eventMessage({ type: 'access.checked', data: { decision: 'deny' } })).toBe(
      'access_deny',
    );
    // A record without a decision is never shown as a permit.
    expect(eventMessage({ type: 'access.checked' })).toBe('access_deny');
  });

  it('gives every consent event the citizen receives its own sentence', () => {
    for (const type of [
      'requested',
      'given',
      'refused',
      'withdrawn',
      'withdrawal-refused',
      'expired',
      'paused',
      'resumed',
      'subject-came-of-age',
    ])
      expect(eventMessage({ type: `consent.${type}` }), type).not.toBe('other');
    expect(eventMessage({ type: 'breach.notified' })).toBe('breach_notified');
  });

  it('falls back to a general sentence for a type it does not know, even an inherited name', () => {
    expect(eventMessage({ type: 'registry.system.created' })).toBe('other');
    expect(eventMessage({ type: 'toString' })).toBe('other');
  });

  it('has each sentence in kk, ru and en', () => {
    for (const messages of [en, ru, kk])
      for (const key of EVENT_MESSAGES) expect(messages.inbox.event[key].trim()).not.toBe('');
  });

  it('finds whom an access or consent event is about, for the page to name', () => {
    expect(whoOf({ data: { operator: 'op_1', system: 'sys_1', decision: 'permit' } })).toEqual({
      operatorId: 'op_1',
      systemIds: ['sys_1'],
    });
    expect(whoOf({ data: { controller: 'op_2', systems: ['sys_2', 'sys_3', 7] } })).toEqual({
      operatorId: 'op_2',
      systemIds: ['sys_2', 'sys_3'],
    });
    expect(whoOf({ data: { subject: 'psn_1' } })).toBeUndefined();
    expect(whoOf({})).toBeUndefined();
  });
});
