import type { FindingMeta } from '../pipeline.js';
import { IDENTIFYING_TYPES, type Finding } from '../types.js';

/**
 * How close an identifier and health data must be to count as "together" when the input has no
 * messages (plain text, JSON): ~300 characters (DOMAIN.md §1), i.e. 600 bytes, since a Cyrillic
 * letter takes two bytes in UTF-8.
 */
export const PROXIMITY_BYTES = 600;

/** The worst case: a person's identifier together with health data about them. */
export interface RiskCase {
  readonly identifier: Finding;
  readonly health: Finding;
  /** `same-message` for chat messages and CSV records, `nearby` for text within ~300 characters. */
  readonly reason: 'same-message' | 'nearby';
}

interface Seen {
  readonly finding: Finding;
  readonly meta: FindingMeta;
  flagged: boolean;
}

/**
 * Pairs identifiers with health findings as findings stream past, in constant memory: it keeps
 * only the current group (message, record) or the last ~600 bytes of the current source. Each
 * identifier is reported in at most one case.
 */
export class RiskTracker {
  private source = '';
  private group: string | null = null;
  private identifiers: Seen[] = [];
  private health: Seen[] = [];

  constructor(private readonly onCase: (c: RiskCase) => void) {}

  add(finding: Finding, meta: FindingMeta): void {
    const source = finding.location.source;
    if (source !== this.source || meta.group !== this.group) {
      this.source = source;
      this.group = meta.group;
      this.identifiers = [];
      this.health = [];
    }
    if (meta.group === null) this.forgetBefore(meta.offset - PROXIMITY_BYTES);
    const seen: Seen = { finding, meta, flagged: false };
    const reason = meta.group === null ? 'nearby' : 'same-message';
    if (finding.type === 'health') {
      for (const id of this.identifiers) {
        if (!id.flagged) {
          id.flagged = true;
          this.onCase({ identifier: id.finding, health: finding, reason });
        }
      }
      this.health.push(seen);
      if (this.health.length > 8) this.health.shift();
    } else if (IDENTIFYING_TYPES.has(finding.type)) {
      const h = this.health[this.health.length - 1];
      if (h !== undefined) {
        seen.flagged = true;
        this.onCase({ identifier: finding, health: h.finding, reason });
      }
      this.identifiers.push(seen);
      // A group holding thousands of identifiers (a dumped table) needs only its unflagged ones.
      if (this.identifiers.length > 256)
        this.identifiers = this.identifiers.filter((s) => !s.flagged);
    }
  }

  private forgetBefore(offset: number): void {
    while (this.identifiers.length > 0 && this.identifiers[0]!.meta.offset < offset)
      this.identifiers.shift();
    while (this.health.length > 0 && this.health[0]!.meta.offset < offset) this.health.shift();
  }
}
