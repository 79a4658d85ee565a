/**
 * Writes generated messages in the real export structures the scanner reads: plain text, a
 * Telegram Desktop single-chat `result.json`, a WhatsApp Android export and a CSV.
 */
import type { Message, Random } from './corpus.js';

const AUTHORS = ['Айгерим Сапарова', 'Ержан Нурланов', 'Гүлнар Ахметова', 'Dana K.', 'Асқар'];

export function asPlainText(messages: readonly Message[]): string {
  return messages.map((m) => m.text).join('\n') + '\n';
}

export function asTelegram(r: Random, messages: readonly Message[]): string {
  const list = messages.map((m, i) => {
    const date = `2024-03-${String((i % 28) + 1).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00`;
    const base = {
      id: i + 1,
      type: 'message',
      date,
      date_unixtime: String(1709200000 + i * 60),
      from: r.pick(AUTHORS),
      from_id: `user${1000 + (i % 5)}`,
    };
    // Newer exports: text as an array with entities for some messages, plus text_entities. The
    // split falls after the first word, which is never a planted value.
    const cut = m.text.indexOf(' ') + 1;
    const text =
      r.next() < 0.3 && cut > 0
        ? [m.text.slice(0, cut), { type: 'bold', text: m.text.slice(cut) }]
        : m.text;
    return r.next() < 0.5
      ? { ...base, text }
      : { ...base, text, text_entities: [{ type: 'plain', text: m.text }] };
  });
  return JSON.stringify(
    { name: 'Родительский чат', type: 'private_group', id: 777, messages: list },
    null,
    1,
  );
}

export function asWhatsApp(messages: readonly Message[]): string {
  return (
    messages
      .map(
        (m, i) =>
          `${String((i % 28) + 1).padStart(2, '0')}.03.2024, 10:${String(i % 60).padStart(2, '0')} - ${AUTHORS[i % AUTHORS.length]}: ${m.text}`,
      )
      .join('\n') + '\n'
  );
}

export function asCsv(messages: readonly Message[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (
    [
      'id,author,message',
      ...messages.map((m, i) => `${i + 1},${quote(AUTHORS[i % AUTHORS.length]!)},${quote(m.text)}`),
    ].join('\n') + '\n'
  );
}
