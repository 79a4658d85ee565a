import { codePointBytes } from '../bytes.js';

/**
 * Compiles word lists (health terms, context words) into one regular expression over byte
 * strings (see `bytes.ts`). A term is written in plain text: a space stands for any run of
 * white space, a trailing `~` for any word ending («больничн~» matches «больничный»,
 * «больничного»). Each term is matched as written, Capitalised and in CAPITALS, which covers how
 * people write («Диагноз», «ВИЧ») without a case-insensitive flag that byte strings cannot use.
 *
 * The alternatives are merged into a trie so the regex engine decides on the first byte instead
 * of trying eighty words at every position: this is what keeps the health detector near 1 GB/s.
 */

/** One letter or digit encoded in UTF-8: ASCII alphanumerics or a two-byte letter (U+00C0–U+07FF). */
export const BYTE_WORD_CHAR = '(?:[A-Za-z0-9]|[\\xC3-\\xDF][\\x80-\\xBF])';
const SPACE_RUN = '(?:[ \\t\\r\\n]|\\xC2\\xA0)+';
/** Any ending: ASCII alphanumerics and the bytes of two-byte letters (looser, but shorter). */
const STEM = '[0-9A-Za-z\\x80-\\xBF\\xC3-\\xDF]*';

const SPACE = '\u0001';
const STEM_MARK = '\u0002';

interface TrieNode {
  end: boolean;
  /** `true` when the term ends at a word boundary (no stem marker). */
  bounded: boolean;
  readonly children: Map<string, TrieNode>;
}

function node(): TrieNode {
  return { end: false, bounded: false, children: new Map() };
}

/**
 * As written, Capitalised, and for short words (abbreviations such as ВИЧ, МКБ-10, HIV) in
 * capitals. Capitals of long words are left out on purpose: measured on V8, the
 * trie ran ten times slower once its source passed ~20 KB.
 */
function caseVariants(term: string): string[] {
  const capital = term.charAt(0).toUpperCase() + term.slice(1);
  const letters = term.replace(/[^\p{L}]/gu, '').length;
  return [...new Set([term, capital, ...(letters <= 5 ? [term.toUpperCase()] : [])])];
}

/** The byte-level tokens of a term: bytes of each character, and the two markers. */
function tokens(term: string): string[] {
  const out: string[] = [];
  for (const ch of term) {
    if (ch === ' ') out.push(SPACE);
    else if (ch === '~') out.push(STEM_MARK);
    else for (const b of codePointBytes(ch.codePointAt(0) ?? 0)) out.push(b);
  }
  return out;
}

/**
 * Bytes of 0x80 and above are written as themselves, not as `\xHH`: they have no meaning in a
 * pattern, and the source stays a quarter of the size (see the 20 KB limit above).
 */
function escapeByte(b: string): string {
  const code = b.charCodeAt(0);
  if (code < 0x20) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return code >= 0x80 || /[A-Za-z0-9]/.test(b) ? b : `\\${b}`;
}

function serialise(n: TrieNode): string {
  const alternatives: string[] = [];
  const literal = [...n.children.entries()].filter(([k]) => k !== SPACE && k !== STEM_MARK);
  for (const [k, child] of literal) alternatives.push(escapeByte(k) + serialise(child));
  const space = n.children.get(SPACE);
  if (space) alternatives.push(SPACE_RUN + serialise(space));
  const stem = n.children.get(STEM_MARK);
  if (stem) alternatives.push(STEM + serialise(stem));
  if (n.end) alternatives.push(n.bounded ? `(?!${BYTE_WORD_CHAR})` : '');
  if (alternatives.length === 0) return '';
  if (alternatives.length === 1) return alternatives[0]!;
  return `(?:${alternatives.join('|')})`;
}

/** The regex source (no flags needed) that matches any of `terms` in a byte string. */
export function termsSource(terms: readonly string[]): string {
  const root = node();
  for (const term of terms) {
    for (const variant of caseVariants(term)) {
      let n = root;
      for (const t of tokens(variant)) {
        let next = n.children.get(t);
        if (next === undefined) {
          next = node();
          n.children.set(t, next);
        }
        n = next;
      }
      n.end = true;
      n.bounded = !variant.endsWith('~');
    }
  }
  return serialise(root);
}

/**
 * The literal start of every case variant of `terms`: its bytes up to the first white space or
 * open ending. Every text a term matches begins with these bytes, which is what the byte kernel's
 * prefix filters rely on.
 */
export function literalPrefixes(terms: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const term of terms) {
    for (const variant of caseVariants(term)) {
      const literal: number[] = [];
      for (const t of tokens(variant)) {
        if (t === SPACE || t === STEM_MARK) break;
        literal.push(t.charCodeAt(0));
      }
      out.push(Uint8Array.from(literal));
    }
  }
  return out;
}
