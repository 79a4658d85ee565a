/**
 * Body parsers that take text only when it is exactly what was sent. Node's default decoding
 * replaces invalid UTF-8 with U+FFFD, and JSON's `\ud800` escape yields a lone surrogate: both let
 * a value through that no longer means what the client wrote, and a lone surrogate cannot be
 * encoded as UTF-8 at all — stored, it breaks every later step that must serialize it (the ledger
 * refuses it, and one such record once stalled the registry's outbox). So every body is decoded
 * strictly and every string in a JSON body (keys included) must be well-formed Unicode, here, once,
 * for every route.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** With the `u` flag a valid pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

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

/**
 * The dotted path (`name`, `items.2.label`) of the first string or key in `value` that is not
 * well-formed Unicode, or undefined. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function firstIllFormedString(value: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      if (!isWellFormedUnicode(current)) return next.path || '(root)';
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        pending.push({ value: current[i], path: join(next.path, String(i)) });
      }
    } else if (current !== null && typeof current === 'object') {
      for (const [key, inner] of Object.entries(current)) {
        // The key itself is shown with its bad code units replaced, so the problem stays valid text.
        const path = join(next.path, key.replace(/\p{Cs}/gu, '\uFFFD'));
        if (!isWellFormedUnicode(key)) return path;
        pending.push({ value: inner, path });
      }
    }
  }
  return undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function illFormedFieldError(field: string): DomainError {
  return new DomainError(
    'request.validation',
    `body ${field} is not well-formed Unicode (it holds a lone surrogate)`,
    { errors: [{ in: 'body', field, message: 'is not well-formed Unicode' }] },
  );
}

/** Replaces Fastify's JSON and text parsers with strict ones (same limits, same poisoning checks). */
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
          done(error, undefined);
          return;
        }
        const field = firstIllFormedString(value);
        if (field !== undefined) done(illFormedFieldError(field), undefined);
        else done(null, value);
      });
    },
  );

  app.addContentTypeParser(
    'text/plain',
    { parseAs: 'buffer' },
    (_request: FastifyRequest, body: Buffer, done) => {
      try {
        done(null, decodeUtf8Strictly(body));
      } catch (error) {
        done(error as DomainError, undefined);
      }
    },
  );
}
