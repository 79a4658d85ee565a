import type { Location, ReportingDescriptor, Result } from 'sarif';
import type { FileScanResult } from '../scan-files.js';
import { PII_TYPES, type Finding, type PiiType } from '../types.js';
import { TYPE_LABELS } from './labels.js';
import type { ScanSummary } from './summary.js';
import { TOOL_NAME, TOOL_VERSION, type ReportWriter, type Write } from './writer.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function ruleId(type: PiiType): string {
  return `pii/${type}`;
}

/** One rule per type; special categories and checksum-proved identifiers are errors. */
export const SARIF_RULES: readonly ReportingDescriptor[] = PII_TYPES.map((type) => ({
  id: ruleId(type),
  name: TYPE_LABELS[type].name.replace(/[^A-Za-z]/g, ''),
  shortDescription: { text: `${TYPE_LABELS[type].name} found` },
  fullDescription: {
    text: `${TYPE_LABELS[type].description}. Personal data found where it should not be: remove it, or move the exchange to a consent request.`,
  },
  defaultConfiguration: { level: type === 'health' ? 'error' : 'warning' },
  properties: {
    tags: ['privacy', 'pii', type === 'health' ? 'special-category' : 'personal-data'],
  },
}));

function toUri(path: string): string {
  return path
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function location(f: Finding): Location {
  const l = f.location;
  const region: NonNullable<NonNullable<Location['physicalLocation']>['region']> = {};
  if (l.line !== undefined) region.startLine = l.line;
  if (l.column !== undefined) region.startColumn = l.column;
  if (l.offset !== undefined) region.byteOffset = l.offset;
  const logical =
    l.jsonPath ??
    (l.row !== undefined ? `row ${l.row}${l.field !== undefined ? `/${l.field}` : ''}` : undefined);
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(l.source) },
      ...(Object.keys(region).length > 0 ? { region } : {}),
    },
    ...(logical !== undefined ? { logicalLocations: [{ fullyQualifiedName: logical }] } : {}),
  };
}

function result(f: Finding): Result {
  const l = f.location;
  const chat = {
    ...(l.chat !== undefined ? { chat: l.chat } : {}),
    ...(l.messageId !== undefined ? { messageId: l.messageId } : {}),
    ...(l.date !== undefined ? { date: l.date } : {}),
    ...(l.author !== undefined ? { author: l.author } : {}),
  };
  const proof = f.validated ? ' (check digit valid)' : '';
  return {
    ruleId: ruleId(f.type),
    ruleIndex: PII_TYPES.indexOf(f.type),
    level: f.type === 'health' || f.validated ? 'error' : 'warning',
    message: { text: `${TYPE_LABELS[f.type].name} ${f.masked}${proof}` },
    locations: [location(f)],
    // The keyed hash identifies the value across runs that share a key, never the value itself.
    partialFingerprints: { 'piiValueHash/v1': f.hash },
    properties: {
      score: f.score,
      category: f.category,
      masked: f.masked,
      ...(f.subtype !== undefined ? { subtype: f.subtype } : {}),
      ...chat,
    },
  };
}

/**
 * SARIF 2.1.0 for code-scanning tools: one run, one rule per type, results streamed as found.
 * Columns count Unicode code points (`columnKind`), which is what the readers compute.
 */
export function createSarifReport(write: Write): ReportWriter {
  let first = true;
  return {
    begin() {
      const driver = { name: TOOL_NAME, version: TOOL_VERSION, rules: SARIF_RULES };
      write(
        `{"$schema":"${SARIF_SCHEMA}","version":"2.1.0","runs":[{"tool":${JSON.stringify({ driver })},"columnKind":"unicodeCodePoints","results":[`,
      );
    },
    finding(f: Finding) {
      write(`${first ? '' : ','}\n${JSON.stringify(result(f))}`);
      first = false;
    },
    end(summary: ScanSummary, files: readonly FileScanResult[]) {
      const artifacts = files.map((f) => ({ location: { uri: toUri(f.path) }, length: f.bytes }));
      const properties = {
        findings: summary.findings,
        worstCases: summary.worstCases,
        byType: summary.byType,
      };
      write(
        `${first ? '' : '\n'}],"artifacts":${JSON.stringify(artifacts)},"invocations":[{"executionSuccessful":true}],"properties":${JSON.stringify(properties)}}]}\n`,
      );
    },
  };
}
