import { isIPv6 } from 'node:net';
import type { Candidate } from '../types.js';
import { contextMatcher } from './context.js';
import type { Detector } from './detector.js';
import { isDigitCode, isWordAt, isWordBefore } from './text-utils.js';

/**
 * E-mail addresses and IP addresses. Both are found from a cheap anchor (`@`, a dot between
 * digits, a colon) and grown outwards by hand: a regex that starts with `[\w.+-]+` retries at
 * every letter of a gigabyte of prose, which is where naive scanners spend their time.
 */
export const EMAIL_SCORE = 0.9;
export const IP_BASE_SCORE = 0.6;

function isLocalChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    ((c | 32) >= 97 && (c | 32) <= 122) ||
    c === 46 ||
    c === 95 ||
    c === 37 ||
    c === 43 ||
    c === 45
  );
}
function isDomainChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 46 || c === 45;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** The e-mail address around the `@` at `at`, if any. */
export function emailAt(text: string, at: number, out: Candidate[]): void {
  let s = at;
  while (s > 0 && at - s < 64 && isLocalChar(text.charCodeAt(s - 1))) s--;
  while (s < at && text.charCodeAt(s) === 46) s++; // a local part does not start with a dot
  if (s === at || isWordBefore(text, s)) return;
  let e = at + 1;
  while (e < text.length && e - at < 254 && isDomainChar(text.charCodeAt(e))) e++;
  while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--; // trailing «.» ends a sentence
  const domain = text.slice(at + 1, e);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0 || !/^[A-Za-z]{2,24}$/.test(domain.slice(dot + 1)) || domain.includes('..')) return;
  if (isWordAt(text, e)) return;
  out.push({ type: 'email', start: s, end: e, score: EMAIL_SCORE, validated: false });
}

/**
 * An IPv4 address is looked for from each dot before a digit: its tail (`.d.d.d`) is matched
 * there, and the first octet read backwards. Returns the end of the tail when it matched (the
 * search goes on after it, as a global regex would), else -1.
 */
const IPV4_TAIL = /\.\d{1,3}\.\d{1,3}\.\d{1,3}/y;

export function ipv4At(text: string, dot: number, out: Candidate[]): number {
  IPV4_TAIL.lastIndex = dot;
  if (!IPV4_TAIL.test(text)) return -1;
  const end = IPV4_TAIL.lastIndex;
  let start = dot;
  while (start > dot - 3 && start > 0 && isDigitCode(text.charCodeAt(start - 1))) start--;
  if (start === dot) return end;
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  const after = end < text.length ? text.charCodeAt(end) : 0;
  const next = end + 1 < text.length ? text.charCodeAt(end + 1) : 0;
  // «1.2.3.4.5» is a version or an outline number, not an address.
  if (isWordBefore(text, start) || before === 46 || isWordAt(text, end)) return end;
  if (after === 46 && next >= 48 && next <= 57) return end;
  const octets = text.slice(start, end).split('.');
  if (!octets.every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== '0'))) return end;
  out.push({ type: 'ip', start, end, score: IP_BASE_SCORE, validated: false, subtype: 'v4' });
  return end;
}

/**
 * An IPv6 address around the colon at `colon`. Returns where the search may go on (the end of
 * what was read), or -1 when the colon was rejected at a glance.
 */
export function ipv6At(text: string, colon: number, out: Candidate[]): number {
  // Cheap rejection of the common colons («ИИН: », «12:30»): an address has hex or a colon on
  // both sides and at least two colons within its first five characters after this one.
  const nextCode = colon + 1 < text.length ? text.charCodeAt(colon + 1) : 0;
  if (!isHex(nextCode) && nextCode !== 58) return -1;
  // Looked for within those five characters only: `indexOf` would run on to the next colon,
  // which in chat text («12:30») may be a megabyte away.
  let second = colon + 1;
  while (second <= colon + 5 && second < text.length && text.charCodeAt(second) !== 58) second++;
  if (second > colon + 5 || second >= text.length) return -1;
  let s = colon;
  while (
    s > 0 &&
    colon - s < 40 &&
    (isHex(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === 58)
  )
    s--;
  let e = colon + 1;
  while (
    e < text.length &&
    e - s < 45 &&
    (isHex(text.charCodeAt(e)) || text.charCodeAt(e) === 58 || text.charCodeAt(e) === 46)
  )
    e++;
  while (e > colon && text.charCodeAt(e - 1) === 46) e--;
  const value = text.slice(s, e);
  if (isWordBefore(text, s) || isWordAt(text, e) || !isIPv6(value)) return e;
  const groups = value.split(':').filter((g) => g.length > 0);
  if (groups.length < 2 || !groups.some((g) => g.length >= 3)) return e;
  out.push({ type: 'ip', start: s, end: e, score: IP_BASE_SCORE, validated: false, subtype: 'v6' });
  return e;
}

/**
 * @example
 * const out: Candidate[] = [];
 * emailAt(text, text.indexOf('@'), out); // the address around the first `@`
 */
export const networkDetector: Detector = {
  types: ['email', 'ip'],
  context: {
    email: contextMatcher(['почт', 'email', 'e-mail', 'mail', 'пошта', 'электрон']),
    ip: contextMatcher([
      'ip',
      'айпи',
      'адрес',
      'address',
      'host',
      'хост',
      'сервер',
      'server',
      'last_ip',
    ]),
  },
};
