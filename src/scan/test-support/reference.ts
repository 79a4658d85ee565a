import { addHealthFindings, isTermStart, strongTermEnd } from '../detectors/health.js';
import { DETECTORS } from '../detectors/index.js';
import { emailAt, ipv4At, ipv6At } from '../detectors/network.js';
import type { Candidate } from '../types.js';

/**
 * The straightforward way to find candidates, for tests of the byte kernel: every anchor searched
 * over the whole text with `indexOf` or a regular expression, every byte tried as the start of a
 * health term. Slow, but plainly complete; `findCandidates` must agree with it exactly.
 */
export function referenceCandidates(text: string): Candidate[] {
  const zones: Candidate[] = [];
  for (const d of DETECTORS) d.find?.(text, zones);
  const emails: Candidate[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    emailAt(text, at, emails);
  }
  const ipv4: Candidate[] = [];
  let resume = 0;
  for (let dot = text.indexOf('.'); dot !== -1; dot = text.indexOf('.', dot + 1)) {
    if (dot >= resume) resume = Math.max(resume, ipv4At(text, dot, ipv4));
  }
  const ipv6: Candidate[] = [];
  resume = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    if (colon >= resume) resume = Math.max(resume, ipv6At(text, colon, ipv6));
  }
  const strong: number[] = [];
  resume = 0;
  for (let p = 0; p < text.length; p++) {
    if (p < resume || !isTermStart(text, p)) continue;
    const end = strongTermEnd(text, p);
    if (end >= 0) {
      strong.push(p, end);
      resume = end;
    }
  }
  const health: Candidate[] = [];
  addHealthFindings(text, strong, health);
  const digits: Candidate[] = [];
  for (const m of text.matchAll(/\d{3,}/g)) {
    for (const d of DETECTORS) d.atDigits?.(text, m.index, m.index + m[0].length, digits);
  }
  return [...zones, ...emails, ...ipv4, ...ipv6, ...health, ...digits];
}
