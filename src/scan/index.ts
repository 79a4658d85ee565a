/**
 * The PII scanner as a library: detectors, readers, reports. See README.md in this folder.
 * The command line (`qalqan scan`) is not part of it: it lives in scan.command.ts and loads
 * commander, which nothing but the CLI may load.
 *
 * @example
 * import { checkMessage, createEngine, createValueHasher } from './scan/index.js';
 * const engine = createEngine();
 * const hasher = createValueHasher(secret);
 * checkMessage('ИИН 900515201238', { engine, hasher }).risk; // 'personal-data'
 */
export { checkMessage, scanText } from './api.js';
export type {
  MessageCheck,
  MessageRisk,
  ScanTextOptions,
  ScanTextResult,
  Suggestion,
  TextFinding,
} from './api.js';
export { fromByteString, toByteString } from './bytes.js';
export { DEFAULT_MIN_SCORE, createEngine } from './engine.js';
export type { DetectOptions, Engine } from './engine.js';
export { createValueHasher, maskValue } from './mask.js';
export type { ValueHasher } from './mask.js';
export { INPUT_FORMATS, sniffFormat } from './readers/format.js';
export type { InputFormat } from './readers/format.js';
export type { RiskCase } from './report/risk.js';
export { expandPaths, scanFile } from './scan-files.js';
export type { FileScanOptions, FileScanResult } from './scan-files.js';
export { CATEGORY_OF, PII_TYPES, isPiiType } from './types.js';
export type { Finding, FindingLocation, PiiCategory, PiiType } from './types.js';
