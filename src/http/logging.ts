/**
 * Logger options. Personal identifiers must never reach a log line, and pino's path-based redaction
 * cannot know every place one may appear (a URL, an error message, a query string), so the final
 * serialized line is scrubbed: any run of exactly 12 digits — the shape of an IIN or BIN — is
 * replaced. Credentials are removed by path before serialization.
 */
import type { LoggerOptions } from 'pino';
import type { LogLevel } from '../config/config.js';

const TWELVE_DIGITS = /(?<!\d)\d{12}(?!\d)/g;
export const REDACTED_IDENTIFIER = '[12-digit id redacted]';

/** Replaces every IIN/BIN-shaped run of digits in a serialized log line. */
export function scrubIdentifiers(line: string): string {
  return line.replace(TWELVE_DIGITS, REDACTED_IDENTIFIER);
}

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.apiKey',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    hooks: {
      streamWrite: scrubIdentifiers,
    },
  };
}
