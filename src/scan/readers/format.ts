import { extname } from 'node:path';
import { isWhatsAppHeader } from './whatsapp.js';

/** Input formats the scanner reads. `auto` picks one from the name and the first bytes. */
export const INPUT_FORMATS = [
  'auto',
  'text',
  'csv',
  'tsv',
  'json',
  'telegram',
  'whatsapp',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
export type ConcreteFormat = Exclude<InputFormat, 'auto'>;

/**
 * Chooses the reader for a file from its extension and its first bytes (a byte string, up to
 * 64 KiB): a `.json` whose head has Telegram's keys is a Telegram export; a `.txt` whose first
 * non-empty line is a WhatsApp header is a WhatsApp export; content that starts like JSON is JSON
 * whatever the extension.
 *
 * @example
 * sniffFormat('result.json', '{\n "name": "Класс 5Б",\n "type": "private_group",\n "id": 1,\n "messages": [');
 * // 'telegram'
 */
export function sniffFormat(path: string, head: string): ConcreteFormat {
  const ext = extname(path).toLowerCase();
  const trimmed = head.replace(/^\xEF\xBB\xBF/, '').trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson && (ext === '.json' || ext === '' || ext === '.txt' || ext === '.js')) {
    return isTelegramHead(trimmed) ? 'telegram' : 'json';
  }
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  const firstLine = trimmed.slice(
    0,
    trimmed.indexOf('\n') === -1 ? undefined : trimmed.indexOf('\n'),
  );
  if (isWhatsAppHeader(firstLine)) return 'whatsapp';
  if (looksJson) return isTelegramHead(trimmed) ? 'telegram' : 'json';
  return 'text';
}

function isTelegramHead(head: string): boolean {
  // Single-chat export: name, type, id, messages; full export: personal_information, chats.
  const singleChat =
    /"messages"\s*:\s*\[/.test(head) &&
    /"type"\s*:\s*"(?:personal_chat|private_group|private_supergroup|public_supergroup|public_channel|private_channel|bot_chat|saved_messages)"/.test(
      head,
    );
  const fullExport = /"personal_information"\s*:|"chats"\s*:\s*\{\s*"about"|"left_chats"\s*:/.test(
    head,
  );
  const messages =
    /"messages"\s*:\s*\[\s*\{\s*"id"\s*:\s*-?\d+\s*,\s*"type"\s*:\s*"(?:message|service)"/.test(
      head,
    );
  return singleChat || fullExport || messages;
}

/** Whether the first bytes look binary (a NUL byte): such files are skipped, not scanned. */
export function looksBinary(head: string): boolean {
  return head.includes('\u0000');
}
