import type { FileScanResult } from '../scan-files.js';
import type { Finding } from '../types.js';
import type { ScanSummary } from './summary.js';
import { TOOL_NAME, TOOL_VERSION, type ReportWriter, type Write } from './writer.js';

/**
 * The JSON report: `{ tool, findings: [...], worstCases: { count, samples }, summary, files }`.
 * Findings are written one per line as they arrive.
 *
 * @example
 * const writer = createJsonReport((s) => process.stdout.write(s));
 * writer.begin(); writer.finding(f); writer.end(summary, files);
 */
export function createJsonReport(write: Write): ReportWriter {
  let first = true;
  return {
    begin() {
      write(`{"tool":${JSON.stringify({ name: TOOL_NAME, version: TOOL_VERSION })},"findings":[`);
    },
    finding(finding: Finding) {
      write(`${first ? '' : ','}\n${JSON.stringify(finding)}`);
      first = false;
    },
    end(summary: ScanSummary, files: readonly FileScanResult[]) {
      const { worstCaseSamples, samples: _samples, ...counts } = summary;
      write(
        `${first ? '' : '\n'}],\n"worstCases":${JSON.stringify({ count: summary.worstCases, samples: worstCaseSamples })},\n`,
      );
      write(`"summary":${JSON.stringify(counts)},\n"files":${JSON.stringify(files)}}\n`);
    },
  };
}
