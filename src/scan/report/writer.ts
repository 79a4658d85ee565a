import type { FileScanResult } from '../scan-files.js';
import type { Finding } from '../types.js';
import type { ScanSummary } from './summary.js';

/** The scanner's name and version in machine-readable reports. */
export const TOOL_NAME = 'qalqan-scan';
export const TOOL_VERSION = '0.1.0';

/**
 * A report format. Findings are streamed to `finding` as they are found (JSON and SARIF write
 * them at once, so a report of millions of findings needs no memory); `end` gets the summary.
 */
export interface ReportWriter {
  begin(): void;
  finding(finding: Finding): void;
  end(summary: ScanSummary, files: readonly FileScanResult[]): void;
}

/** Where a report goes: one call per piece of text. */
export type Write = (text: string) => void;
