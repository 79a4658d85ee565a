import type { FileScanResult } from '../scan-files.js';
import { TYPE_LABELS } from './labels.js';
import { describeLocation } from './location.js';
import type { ScanSummary } from './summary.js';
import type { ReportWriter, Write } from './writer.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}
function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

const MAX_SOURCES = 20;
const MAX_LISTED = 30;
const MAX_CASES_LISTED = 20;

/**
 * The human summary: worst cases first (an identifier together with health data), then counts by
 * type and by file or chat, then the first findings. Values appear masked only.
 */
export function createTableReport(write: Write): ReportWriter {
  return {
    begin() {},
    finding() {},
    end(summary: ScanSummary, files: readonly FileScanResult[]) {
      const lines: string[] = [];
      const scanned = files.filter((f) => f.format !== 'binary');
      lines.push(
        `Scanned ${scanned.length} file${scanned.length === 1 ? '' : 's'} (${formatBytes(summary.bytes)}): ` +
          (summary.findings === 0
            ? 'no personal data found.'
            : `${summary.findings} finding${summary.findings === 1 ? '' : 's'}.`),
      );
      if (summary.skipped.length > 0)
        lines.push(
          `Skipped ${summary.skipped.length} binary file(s): ${summary.skipped.slice(0, 5).join(', ')}`,
        );
      if (summary.worstCases > 0) {
        lines.push(
          '',
          `WORST CASES: ${summary.worstCases} identifier(s) together with health data`,
        );
        for (const c of summary.worstCaseSamples.slice(0, MAX_CASES_LISTED)) {
          const where = c.reason === 'same-message' ? 'in the same message' : 'nearby';
          lines.push(
            `  ! ${TYPE_LABELS[c.identifier.type].name} ${c.identifier.masked} with ${c.health.masked} ${where} — ${describeLocation(c.identifier.location)}`,
          );
        }
        if (summary.worstCases > MAX_CASES_LISTED)
          lines.push(`  … and ${summary.worstCases - MAX_CASES_LISTED} more`);
      }
      if (summary.findings > 0) {
        lines.push('', 'By type:');
        lines.push(`  ${pad('type', 12)} ${padLeft('findings', 9)} ${padLeft('distinct', 9)}`);
        for (const t of summary.byType) {
          const distinct = `${t.distinctCapped ? '≥' : ''}${t.distinct}`;
          lines.push(
            `  ${pad(TYPE_LABELS[t.type].name, 12)} ${padLeft(String(t.count), 9)} ${padLeft(distinct, 9)}`,
          );
        }
        lines.push('', 'By file / chat:');
        for (const s of summary.bySource.slice(0, MAX_SOURCES)) {
          const detail = Object.entries(s.byType)
            .map(([type, n]) => `${TYPE_LABELS[type as keyof typeof TYPE_LABELS].name} ${n}`)
            .join(', ');
          lines.push(`  ${padLeft(String(s.count), 7)}  ${s.source}  (${detail})`);
        }
        if (summary.bySource.length > MAX_SOURCES)
          lines.push(`  … and ${summary.bySource.length - MAX_SOURCES} more`);
        lines.push('', `Findings${summary.findings > MAX_LISTED ? ` (first ${MAX_LISTED})` : ''}:`);
        for (const f of summary.samples.slice(0, MAX_LISTED)) {
          const proof = f.validated ? ' ✓' : '';
          lines.push(
            `  ${pad(TYPE_LABELS[f.type].name, 10)} ${pad(f.masked + proof, 24)} ${f.score.toFixed(2)}  ${describeLocation(f.location)}`,
          );
        }
        lines.push('', 'Values are masked; equal values share a keyed hash (see --format json).');
      }
      write(`${lines.join('\n')}\n`);
    },
  };
}
