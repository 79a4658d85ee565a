import type { FindingMeta } from '../pipeline.js';
import { PII_TYPES, type Finding, type PiiType } from '../types.js';
import type { RiskCase } from './risk.js';

/** Distinct values are counted exactly up to this many per type, then reported as "at least". */
const MAX_DISTINCT = 50_000;
/** Worst cases and sample findings kept for a human summary; the counts stay exact. */
const MAX_CASES = 50;
const MAX_SAMPLES = 100;

export interface TypeCount {
  readonly type: PiiType;
  readonly count: number;
  /** Distinct values (by keyed hash); `distinctCapped` when the count stopped at the cap. */
  readonly distinct: number;
  readonly distinctCapped: boolean;
}

export interface SourceCount {
  /** The file, or `file › chat` for chat exports. */
  readonly source: string;
  readonly count: number;
  readonly byType: Partial<Record<PiiType, number>>;
}

export interface ScanSummary {
  readonly files: number;
  readonly bytes: number;
  readonly findings: number;
  readonly byType: readonly TypeCount[];
  readonly bySource: readonly SourceCount[];
  readonly worstCases: number;
  /** The first worst cases, at most 50. */
  readonly worstCaseSamples: readonly RiskCase[];
  /** The first findings, at most 100, for a human-readable listing. */
  readonly samples: readonly Finding[];
  /** Files skipped as binary. */
  readonly skipped: readonly string[];
}

/**
 * Counts findings as they stream past. Memory is bounded: distinct values per type up to a cap,
 * one entry per file or chat, a few samples. A report of a billion findings has the same size as
 * one of a thousand, except the JSON and SARIF finding lists, which are streamed.
 */
export class SummaryCollector {
  private readonly types = new Map<
    PiiType,
    { count: number; hashes: Set<string>; capped: boolean }
  >();
  private readonly sources = new Map<
    string,
    { count: number; byType: Partial<Record<PiiType, number>> }
  >();
  private readonly cases: RiskCase[] = [];
  private readonly samples: Finding[] = [];
  private caseCount = 0;
  private findingCount = 0;

  finding(finding: Finding, _meta?: FindingMeta): void {
    this.findingCount++;
    let t = this.types.get(finding.type);
    if (t === undefined) {
      t = { count: 0, hashes: new Set(), capped: false };
      this.types.set(finding.type, t);
    }
    t.count++;
    if (t.hashes.size < MAX_DISTINCT) t.hashes.add(finding.hash);
    else if (!t.hashes.has(finding.hash)) t.capped = true;
    const { source, chat } = finding.location;
    const key = chat !== undefined ? `${source} › ${chat}` : source;
    let s = this.sources.get(key);
    if (s === undefined) {
      s = { count: 0, byType: {} };
      this.sources.set(key, s);
    }
    s.count++;
    s.byType[finding.type] = (s.byType[finding.type] ?? 0) + 1;
    if (this.samples.length < MAX_SAMPLES) this.samples.push(finding);
  }

  riskCase(c: RiskCase): void {
    this.caseCount++;
    if (this.cases.length < MAX_CASES) this.cases.push(c);
  }

  get findings(): number {
    return this.findingCount;
  }

  summary(files: number, bytes: number, skipped: readonly string[]): ScanSummary {
    const byType: TypeCount[] = [];
    for (const type of PII_TYPES) {
      const t = this.types.get(type);
      if (t !== undefined) {
        byType.push({ type, count: t.count, distinct: t.hashes.size, distinctCapped: t.capped });
      }
    }
    const bySource = [...this.sources.entries()]
      .map(([source, s]) => ({ source, count: s.count, byType: s.byType }))
      .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source));
    return {
      files,
      bytes,
      findings: this.findingCount,
      byType,
      bySource,
      worstCases: this.caseCount,
      worstCaseSamples: this.cases,
      samples: this.samples,
      skipped,
    };
  }
}
