import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAll } from '../test-support/reader.js';
import { createJsonReader } from './json.js';

const telegram = (ctx: Parameters<typeof createJsonReader>[0]) =>
  createJsonReader(ctx, { telegram: true });
const fixture = readFileSync(
  new URL('../../../test/fixtures/scan/telegram-chat.json', import.meta.url),
  'utf8',
);

describe('Telegram Desktop export reader', () => {
  it('names chat, message id, date and author; text arrays and entities are context', () => {
    const { findings } = readAll(telegram, fixture, { pieces: [700] });
    const phone = findings.find((f) => f.type === 'phone' && f.location.messageId === '103');
    expect(phone?.location).toMatchObject({
      chat: 'Родительский чат 5Б',
      messageId: '103',
      date: '2024-02-12T09:12:02',
      author: 'Ержан Нурланов',
      jsonPath: '$.messages[2].text[1].text',
    });
    expect(phone?.score).toBeCloseTo(0.95); // the `phone` entity type is a context word
  });

  it('reports a value repeated in text_entities once, and redacts both copies', () => {
    const { findings, redacted } = readAll(telegram, fixture);
    const cards = findings.filter((f) => f.type === 'card');
    expect(cards.map((f) => [f.location.messageId, f.location.jsonPath])).toEqual([
      ['104', '$.messages[3].text'],
    ]);
    expect(redacted).not.toContain('2200 7001 2345 6781');
    expect(redacted.match(/2200 \*{4} \*{4} \*{4}/g)).toHaveLength(2);
    expect(JSON.parse(redacted)).toHaveProperty('messages');
  });

  it('scans contacts, polls and members; groups a message for worst cases', () => {
    const { findings, metas } = readAll(telegram, fixture);
    expect(
      findings.some(
        (f) => f.location.jsonPath === '$.messages[4].contact_information.phone_number',
      ),
    ).toBe(true);
    expect(findings.some((f) => f.location.jsonPath === '$.messages[6].poll.question')).toBe(true);
    const m103 = metas
      .filter((_, i) => findings[i]!.location.messageId === '103')
      .map((m) => m.group);
    expect(new Set(m103)).toEqual(new Set(['m:Родительский чат 5Б:103']));
  });

  it('reads full-account exports and old exports without text_entities', () => {
    const account = JSON.stringify(
      {
        about: 'Here is the data you requested.',
        personal_information: {
          user_id: 1,
          first_name: 'Aigerim',
          phone_number: '+7 701 555 1234',
        },
        contacts: {
          about: '…',
          list: [{ first_name: 'Dina', phone_number: '+77075553322', date: '2023-01-01T10:00:00' }],
        },
        sessions: {
          about: '…',
          list: [{ last_active: '2024-01-01T10:00:00', last_ip: '95.56.12.200' }],
        },
        chats: {
          about: '…',
          list: [
            {
              name: 'Школа',
              type: 'private_group',
              id: 1,
              messages: [
                {
                  id: 7,
                  type: 'message',
                  date: '2019-05-01T10:00:00',
                  from: 'Айгерим',
                  from_id: 1,
                  text: 'ИИН 900515201238',
                },
              ],
            },
          ],
        },
        left_chats: {
          about: '…',
          list: [
            {
              name: 'Old',
              type: 'private_supergroup',
              id: 2,
              messages: [
                {
                  id: 9,
                  type: 'message',
                  date: '2018-01-01T10:00:00',
                  from: 'X',
                  text: ['карта ', { type: 'bank_card', text: '4400 4301 2345 6789' }],
                },
              ],
            },
          ],
        },
      },
      null,
      1,
    );
    const { findings } = readAll(telegram, account);
    expect(
      findings.map((f) => [f.type, f.location.chat ?? null, f.location.messageId ?? null]),
    ).toEqual([
      ['phone', null, null],
      ['phone', null, null],
      ['ip', null, null],
      ['iin', 'Школа', '7'],
      ['card', 'Old', '9'],
    ]);
  });
});

describe('Telegram messages from deleted accounts', () => {
  it('leaves the author out when `from` is null', () => {
    const text = JSON.stringify({
      name: 'Чат',
      type: 'private_group',
      id: 1,
      messages: [
        {
          id: 5,
          type: 'message',
          date: '2024-01-01T10:00:00',
          from: null,
          from_id: 'user1',
          text: 'ИИН 900515201238',
        },
      ],
    });
    const { findings } = readAll(telegram, text);
    expect(findings[0]!.location).toMatchObject({ chat: 'Чат', messageId: '5' });
    expect(findings[0]!.location.author).toBeUndefined();
  });
});
