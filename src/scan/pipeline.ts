import { fromByteString, toByteString } from './bytes.js';
import type { Engine } from './engine.js';
import { maskValue, type ValueHasher } from './mask.js';
import type { Locate, Mask, ReaderContext, ScanUnitOptions, Unit } from './readers/unit.js';
import { CATEGORY_OF, type Candidate, type Finding, type FindingLocation } from './types.js';

/** Receives findings in source order, with what the report needs to judge worst cases. */
export interface FindingSink {
  finding(finding: Finding, meta: FindingMeta): void;
}

export interface FindingMeta {
  /** Findings with the same group (a message, a CSV record) are "together"; `null`: judge by distance. */
  readonly group: string | null;
  /** Source byte offset of the finding. */
  readonly offset: number;
}

/** Turns a scored candidate into a finding: masked value, keyed hash, location. Never the value. */
export function buildFinding(
  candidate: Candidate,
  text: string,
  hasher: ValueHasher,
  location: FindingLocation,
): Finding {
  return findingOf(candidate, valueAt(text, candidate.start, candidate.end), hasher, location);
}

/**
 * The value of `text[start, end)` as a JavaScript string. Most values (identifiers) are ASCII,
 * whose byte string is already the value: only the others are decoded from UTF-8.
 */
export function valueAt(text: string, start: number, end: number): string {
  const bytes = text.slice(start, end);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes.charCodeAt(i) >= 0x80) return fromByteString(bytes);
  }
  return bytes;
}

/** A finding for `candidate` whose value (decoded) is `value`. */
export function findingOf(
  candidate: Candidate,
  value: string,
  hasher: ValueHasher,
  location: FindingLocation,
): Finding {
  const { type, subtype, validated } = candidate;
  const category = CATEGORY_OF[type];
  const score = Math.round(candidate.score * 100) / 100;
  const masked = maskValue(type, value);
  const hash = hasher.hash(type, value);
  // Two literals rather than a spread of an optional key: a spread builds each finding through a
  // slow path (one of 51 000 per 200 MB of chat text); the key order is the same either way.
  return subtype !== undefined
    ? { type, category, subtype, score, validated, masked, hash, location }
    : { type, category, score, validated, masked, hash, location };
}

/**
 * Health words are indicators, not values: a redacted chat keeps «диагноз» and loses the IIN next
 * to it, which is what makes it safe to share. ICD-10 codes are masked (they are the diagnosis).
 */
export function isRedactable(candidate: Candidate): boolean {
  return !(candidate.type === 'health' && candidate.subtype === 'term');
}

export interface ScanContextParams {
  readonly engine: Engine;
  readonly hasher: ValueHasher;
  /** The path (or label) findings are attributed to. */
  readonly source: string;
  readonly sink: FindingSink;
  /** Receives redaction edits when a redacted copy is being written. */
  readonly redact?: (start: number, end: number, bytes: string) => void;
}

/** The context readers scan through: detection, masking, hashing, redaction, grouping. */
export function createScanContext(params: ScanContextParams): ReaderContext {
  const { engine, hasher, source, sink } = params;
  const redact = params.redact ?? (() => undefined);
  let unitSeq = 0;
  return {
    redact,
    scan(unit: Unit, locate: Locate, options: ScanUnitOptions = {}): void {
      unitSeq++;
      const candidates = engine
        .detect(unit.text, unit.prefixLength)
        .filter((c) => c.start < unit.limit && unit.toSource(c.start) >= 0);
      if (candidates.length === 0) return;
      // Redact first: a reader may need the masked text to describe locations (a JSON key).
      const masks: Mask[] = [];
      for (const c of candidates) {
        if (!isRedactable(c)) continue;
        const masked = toByteString(
          maskValue(c.type, fromByteString(unit.text.slice(c.start, c.end))),
        );
        if (options.redactUnit !== undefined) masks.push({ start: c.start, end: c.end, masked });
        else redact(unit.toSource(c.start), unit.toSource(c.end), masked);
      }
      if (masks.length > 0) options.redactUnit?.(masks);
      for (const c of candidates) {
        const offset = unit.toSource(c.start);
        const where = locate(c.start);
        const finding = buildFinding(c, unit.text, hasher, { source, ...where, offset });
        if (options.accept !== undefined && !options.accept(c.type, finding.hash)) continue;
        const group =
          where.messageId !== undefined
            ? `m:${where.chat ?? ''}:${where.messageId}`
            : where.row !== undefined
              ? `r:${where.row}`
              : unit.proximity === 'unit'
                ? `u:${unitSeq}`
                : null;
        sink.finding(finding, { group, offset });
      }
    },
  };
}
