import { guardKey } from '../mask.js';
import type { PathEntry } from './json-tokenizer.js';

/**
 * What makes a Telegram Desktop `result.json` more than JSON (DOMAIN.md §2): findings inside a
 * message carry the chat's name, the message id, its date and author; the pieces of a message's
 * `text` (a string, or an array of strings and `{type, text}` entities) are scanned with the
 * preceding text as context; Telegram's own entity types (`phone`, `email`, `bank_card`) count as
 * context words; and `text_entities`, which repeats `text` in newer exports, does not report the
 * same value twice (it is still redacted).
 *
 * Chats are the root object (single-chat export) or the elements of `chats.list` and
 * `left_chats.list` (full-account export); messages are the elements of a chat's `messages`.
 * The exporter writes `id`, `date` and `from` before `text`, which is what lets the tracker name
 * them without holding a message in memory.
 */
export class TelegramTracker {
  private chatDepth = -1;
  private chatName: string | undefined;
  private chatId: string | undefined;
  private messageDepth = -1;
  private messageId: string | undefined;
  private date: string | undefined;
  private author: string | undefined;
  /** Tail of the message text scanned so far (context for the next piece). */
  private textTail = '';
  private entityWord = '';
  /** `type:hash` of findings reported from `text`, to drop their repeats in `text_entities`. */
  private readonly seen = new Set<string>();

  constructor(private readonly decode: (bytes: string) => string) {}

  open(kind: 'object' | 'array', path: readonly PathEntry[]): void {
    if (kind !== 'object') return;
    const depth = path.length;
    if (this.isChatPath(path)) {
      this.chatDepth = depth;
      this.chatName = undefined;
      this.chatId = undefined;
    } else if (
      this.chatDepth > 0 &&
      depth === this.chatDepth + 2 &&
      path[depth - 2]?.kind === 'array' &&
      path[depth - 3]?.key === 'messages'
    ) {
      this.messageDepth = depth;
      this.messageId = undefined;
      this.date = undefined;
      this.author = undefined;
      this.textTail = '';
      this.seen.clear();
    }
    this.entityWord = '';
  }

  close(kind: 'object' | 'array', path: readonly PathEntry[]): void {
    if (kind !== 'object') return;
    if (path.length === this.messageDepth) this.messageDepth = -1;
    else if (path.length === this.chatDepth) this.chatDepth = -1;
  }

  /** Records chat and message fields; call for every string and primitive value. */
  value(raw: string, path: readonly PathEntry[]): void {
    const top = path[path.length - 1];
    if (top?.kind !== 'object') return;
    const depth = path.length;
    if (raw === 'null') return; // «"from": null» for deleted accounts
    if (depth === this.messageDepth) {
      if (top.key === 'id') this.messageId = raw;
      else if (top.key === 'date') this.date = this.decode(raw);
      else if (top.key === 'from') this.author = guardKey(this.decode(raw));
    } else if (depth === this.chatDepth) {
      if (top.key === 'name') this.chatName = guardKey(this.decode(raw));
      else if (top.key === 'id') this.chatId = raw;
    } else if (this.inMessageText(path) && top.key === 'type') {
      this.entityWord = ENTITY_WORDS[raw] ?? '';
    }
  }

  /** Context to put before a string at `path`: the message text so far, an entity's type. */
  prefix(path: readonly PathEntry[]): string | null {
    if (!this.inMessageText(path)) return null;
    return this.entityWord.length > 0 ? `${this.textTail} ${this.entityWord} ` : this.textTail;
  }

  /** Remembers scanned message text so the next piece has context. */
  scanned(text: string, path: readonly PathEntry[]): void {
    if (!this.inMessageText(path)) return;
    this.entityWord = '';
    const joined = this.textTail + text;
    this.textTail = joined.length > 160 ? joined.slice(joined.length - 160) : joined;
  }

  /** Whether to report a finding at `path` (repeats from `text_entities` are not). */
  accept(type: string, hash: string, path: readonly PathEntry[]): boolean {
    if (this.messageDepth < 0) return true;
    const key = `${type}:${hash}`;
    if (path[this.messageDepth - 1]?.key === 'text_entities') return !this.seen.has(key);
    this.seen.add(key);
    return true;
  }

  location(): { chat?: string; messageId?: string; date?: string; author?: string } {
    const chat =
      this.chatDepth > 0
        ? (this.chatName ?? (this.chatId !== undefined ? `chat ${this.chatId}` : undefined))
        : undefined;
    if (this.messageDepth < 0) return chat !== undefined ? { chat } : {};
    return { chat, messageId: this.messageId, date: this.date, author: this.author };
  }

  private inMessageText(path: readonly PathEntry[]): boolean {
    if (this.messageDepth < 0 || path.length < this.messageDepth) return false;
    const key = path[this.messageDepth - 1]?.key;
    return key === 'text' || key === 'text_entities';
  }

  private isChatPath(path: readonly PathEntry[]): boolean {
    if (path.length === 1) return true;
    const depth = path.length;
    const list = path[depth - 3];
    const parent = path[depth - 2];
    return (
      depth === 4 &&
      parent?.kind === 'array' &&
      list?.key === 'list' &&
      (path[0]?.key === 'chats' || path[0]?.key === 'left_chats')
    );
  }
}

/** Telegram entity types that name what the entity is, as words the context matchers know. */
const ENTITY_WORDS: Readonly<Record<string, string>> = {
  phone: 'phone',
  email: 'email',
  bank_card: 'card',
};
