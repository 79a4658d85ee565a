import type { PiiType } from '../types.js';
import { cardDetector } from './card.js';
import type { Detector } from './detector.js';
import { documentDetector } from './documents.js';
import { healthDetector } from './health.js';
import { ibanDetector } from './iban.js';
import { mrzDetector } from './mrz.js';
import { nationalIdDetector } from './national-id.js';
import { networkDetector } from './network.js';
import { phoneDetector } from './phone.js';
import { vehicleDetector } from './vehicle.js';

export type { Detector } from './detector.js';

/** Every detector, in the order their candidates win ties (checksummed ones first). */
export const DETECTORS: readonly Detector[] = [
  nationalIdDetector,
  ibanDetector,
  cardDetector,
  mrzDetector,
  phoneDetector,
  documentDetector,
  vehicleDetector,
  networkDetector,
  healthDetector,
];

/** The detectors that can emit at least one of `types`. */
export function detectorsFor(types: ReadonlySet<PiiType>): readonly Detector[] {
  return DETECTORS.filter((d) => d.types.some((t) => types.has(t)));
}
