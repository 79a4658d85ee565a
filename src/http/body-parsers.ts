/**
 * Body parsers that take text only when it is exactly what was sent. Node's default decoding
 * replaces invalid UTF-8 with U+FFFD, and JSON's `\ud800` escape yields a lone surrogate: both let
 * a value through that no longer means what the client wrote, and a lone surrogate cannot be
 * encoded as UTF-8 at all — stored, it breaks every later step that must serialize it (the ledger
 * refuses it, and one such record once stalled the registry's outbox). So every body is decoded
 * strictly and every string in a JSON body (keys included) must be well-formed Unicode, here, once,
 * for every route.
 *
 * The same walk refuses U+0000. SQLite stores it, but PostgreSQL's text and jsonb cannot: on
 * PostgreSQL one such string was a 500, and inside an access check it failed the whole ledger
 * batch it rode in, other systems' checks with it. Refused here, no engine ever sees one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** With the `u` flag a valid pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;
/** What no string may hold: a lone surrogate, or U+0000 (which PostgreSQL cannot store). */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /[\p{Cs}\u0000]/u;
/** A key as a problem may show it: lone surrogates and U+0000 replaced, so it stays valid text. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be replaced
const shownKey = (key: string) => key.replace(/[\p{Cs}\u0000]/gu, '\uFFFD');

/** Decodes UTF-8 or throws `request.malformed_body`; never substitutes U+FFFD. */
export function decodeUtf8Strictly(body: Buffer): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new DomainError('request.malformed_body', 'The body is not valid UTF-8.');
  }
}

export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why a string cannot be taken: it is not well-formed Unicode, or it holds U+0000. */
export type UnstorableReason = 'ill-formed' | 'nul';

/**
 * The dotted path (`name`, `items.2.label`) of the first string or key in `value` that no store can
 * keep as sent — not well-formed Unicode, or holding U+0000 — and why, or undefined. Iterative, so
 * a deeply nested body cannot exhaust the stack.
 */
export function firstUnstorableString(
  value: unknown,
): { readonly field: string; readonly reason: UnstorableReason } | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current))
        return { field: next.path || '(root)', reason: reasonOf(current) };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        pending.push({ value: current[i], path: join(next.path, String(i)) });
      }
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        // The key itself is shown with its bad code units replaced, so the problem stays valid text.
        const path = join(next.path, shownKey(key));
        if (UNSTORABLE.test(key)) return { field: path, reason: reasonOf(key) };
        pending.push({ value: inner, path });
      }
    }
  }
  return undefined;
}

function reasonOf(text: string): UnstorableReason {
  return isWellFormedUnicode(text) ? 'nul' : 'ill-formed';
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const UNSTORABLE_MESSAGES: Record<UnstorableReason, { short: string; long: string }> = {
  'ill-formed': {
    short: 'is not well-formed Unicode',
    long: 'is not well-formed Unicode (it holds a lone surrogate)',
  },
  nul: {
    short: 'must not contain the NUL character (U+0000)',
    long: 'must not contain the NUL character (U+0000)',
  },
};

/** The 400 for a string no store can keep, naming where it was (`body`, `querystring`, `params`). */
export function unstorableFieldError(
  field: string,
  reason: UnstorableReason,
  where: 'body' | 'querystring' | 'params' = 'body',
): DomainError {
  const message = UNSTORABLE_MESSAGES[reason];
  return new DomainError('request.validation', `${where} ${field} ${message.long}`, {
    errors: [{ in: where, field, message: message.short }],
  });
}

/**
 * A URL whose query or path parameters hold U+0000 (it can only arrive as `%00`: a raw NUL ends
 * the request line) is refused as a body is. Checked on the raw URL first, so a request without
 * `%00` costs one substring search.
 */
export function nulInUrlError(request: FastifyRequest): DomainError | undefined {
  if (!request.url.includes('%00')) return undefined;
  for (const [where, values] of [
    ['params', request.params],
    ['querystring', request.query],
  ] as const) {
    const found = firstUnstorableString(values);
    if (found) return unstorableFieldError(found.field, found.reason, where);
  }
  return undefined;
}

/**
 * The dotted path of the first key that would reach an object's prototype — `__proto__`, or a
 * `constructor` object holding `prototype` (`a.constructor.prototype`) — or undefined. Fastify's
 * parser refuses such a body (prototype poisoning) but says only that it is not valid JSON; this
 * finds what to name instead. Only called once that parser has refused a body.
 */
export function firstPrototypeKey(value: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const current = next.value;
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        pending.push({ value: current[i], path: join(next.path, String(i)) });
      continue;
    }
    if (Object.hasOwn(current, '__proto__')) return join(next.path, '__proto__');
    const made = (current as { constructor?: unknown }).constructor;
    if (
      Object.hasOwn(current, 'constructor') &&
      made !== null &&
      typeof made === 'object' &&
      Object.hasOwn(made, 'prototype')
    )
      return join(next.path, 'constructor.prototype');
    for (const [key, inner] of Object.entries(current))
      pending.push({ value: inner, path: join(next.path, shownKey(key)) });
  }
  return undefined;
}

/** The 400 for a key that would reach an object's prototype: valid JSON, a key not taken. */
export function prototypeKeyError(field: string): DomainError {
  const message = "is not an allowed key (it would reach an object's prototype)";
  return new DomainError('request.validation', `body ${field} ${message}`, {
    errors: [{ in: 'body', field, message }],
  });
}

/**
 * Why Fastify's parser refused `text`: a key reaching a prototype in otherwise valid JSON, named,
 * or its own error (the body is not JSON). Runs on the refusal path only, never for a good body.
 */
function refusalOf(text: string, error: Error): Error {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return error;
  }
  const field = firstPrototypeKey(value);
  return field === undefined ? error : prototypeKeyError(field);
}

/**
 * Replaces Fastify's JSON parser with a strict one (same limits, same poisoning checks) and
 * removes its text parser: every route takes JSON, so a body of any other type, text included,
 * is a 415 rather than a string the route's schema then refuses as "not an object".
 */
export function installStrictBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);

  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done) => {
      let text: string;
      try {
        text = decodeUtf8Strictly(body);
      } catch (error) {
        done(error as DomainError, undefined);
        return;
      }
      void parseJson(request, text, (error: Error | null, value?: unknown) => {
        if (error) {
          done(refusalOf(text, error), undefined);
          return;
        }
        const found = firstUnstorableString(value);
        if (found !== undefined) done(unstorableFieldError(found.field, found.reason), undefined);
        else done(null, value);
      });
    },
  );
}
