/**
 * Access decision benchmark (`npm run bench:decide`): in-process decisions per second, measured
 * side by side in one run on the same generated checks (the differential test's domain, see
 * src/access/decide.engines.ts):
 *
 *  1. `decide()` alone (coverage precomputed)            — the pure function
 *  2. `decide()` behind the consent coverage             — what the service does per check: the
 *     subject's consents from an in-memory subject index, the consent module's `coverage`, decide
 *  3. `@cedar-policy/cedar-wasm` `statefulIsAuthorized`  — preparsed policy set, entities per call
 *  4. `casbin` `enforceSync`                              — consents as policy rows, at 1,000 and
 *     100,000 consents in its store
 * Targets (issue 11): (2) ÷ (3) ≥ 10 and (2) ÷ (4 at 1,000) ≥ 100. Decisions of all engines are
 * compared on every check first: a rate for wrong answers would mean nothing.
 *
 * Options: --quick (shorter timings, 20,000 consents instead of 100,000, for a smoke test).
 */
import { cpus } from 'node:os';
import fc from 'fast-check';
import { coverage } from '../../src/consent/coverage.js';
import { DEFAULT_TAXONOMY, indexTaxonomy } from '../../src/core/taxonomy.js';
import type { ConsentCoverageResult, DecisionInput } from '../../src/access/access.model.js';
import { coverageQueryOf, decide } from '../../src/access/decide.js';
import {
  casbinEngine,
  cedarEngine,
  decideEngine,
  domainArbitraries,
  type DomainCheck,
  type DomainConsent,
  type DomainWorld,
  type Engine,
} from '../../src/access/decide.engines.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.5 : 2;
const LARGE = quick ? 20_000 : 100_000;
const SMALL = 1_000;
const CHECKS = 2_000;

const taxonomy = indexTaxonomy();
const adequate = new Set(DEFAULT_TAXONOMY.adequateCountries);
const { systems, consents, check } = domainArbitraries(taxonomy);
const profiles: DomainWorld['systems'] = sampleProfiles();

function sampleProfiles(): DomainWorld['systems'] {
  const [sampled] = fc.sample(systems, { numRuns: 1, seed: 7 });
  if (!sampled) throw new Error('no system profiles sampled');
  return sampled;
}

/** `count` consents over distinct subjects: batches of 100 subjects, renumbered. */
function storeOf(count: number): DomainConsent[] {
  const out: DomainConsent[] = [];
  for (let batch = 0; out.length < count; batch += 1) {
    const [sample] = fc.sample(consents(100), { numRuns: 1, seed: batch });
    for (const c of sample!) {
      if (out.length === count) break;
      const subject = `psn_${batch * 100 + Number(c.subject.slice(4))}`;
      out.push({ ...c, id: `cns_${out.length}`, subject });
    }
  }
  return out;
}

function rate(name: string, engine: Engine, checks: readonly DomainCheck[], seconds = SECONDS) {
  // Warm up for a tenth of the budget (a slow engine gets a few calls, not a fixed count).
  const warm = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e8));
  for (let i = 0; process.hrtime.bigint() < warm; i += 1) engine.decide(checks[i % checks.length]!);
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  // Check the clock every 64 decisions (or every one for slow engines) to keep its cost out.
  do {
    const step = n < 64 ? 1 : 64;
    for (let i = 0; i < step; i += 1) engine.decide(checks[(n + i) % checks.length]!);
    n += step;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  const perSecond = n / (Number(elapsed) / 1e9);
  console.log(
    `${name.padEnd(46)} ${(perSecond < 10 ? perSecond.toFixed(2) : Math.round(perSecond).toLocaleString('en')).padStart(12)} /s  (${n.toLocaleString('en')} decisions)`,
  );
  return perSecond;
}

async function main() {
  console.log(
    `Access decision benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${quick ? ' (quick)' : ''}`,
  );
  const large = storeOf(LARGE);
  const small = large.slice(0, SMALL);
  const worldSmall: DomainWorld = { systems: profiles, consents: small, taxonomy, adequate };
  const worldLarge: DomainWorld = { systems: profiles, consents: large, taxonomy, adequate };
  // Checks for subjects of the small store (so both casbin stores hold their consents).
  const checks = fc.sample(check(300, small, profiles), { numRuns: CHECKS, seed: 11 });

  const engines = {
    decideSmall: decideEngine(worldSmall),
    decideLarge: decideEngine(worldLarge),
    cedar: cedarEngine(worldLarge),
    casbinSmall: await casbinEngine(worldSmall),
    casbinLarge: await casbinEngine(worldLarge),
  };

  // 0. Identical decisions (casbin on the large store on a sample: it is slow there).
  let permits = 0;
  for (const [i, c] of checks.entries()) {
    const expected = engines.decideSmall.decide(c);
    const answers = [
      engines.decideLarge.decide(c),
      engines.cedar.decide(c),
      engines.casbinSmall.decide(c),
    ];
    if (i < 10) answers.push(engines.casbinLarge.decide(c));
    if (answers.some((a) => a !== expected))
      throw new Error(`engines disagree on check ${i}: ${JSON.stringify(c)}`);
    if (expected === 'permit') permits += 1;
  }
  console.log(
    `identical decisions on ${checks.length} checks (${permits} permits, ${checks.length - permits} denials)\n`,
  );

  // 1. decide() alone: the coverage each check would get, computed beforehand.
  const inputs: DecisionInput[] = checks.map((c) => {
    const profile = profiles.get(c.systemId)!;
    const found = coverage(
      small
        .filter((s) => s.subject === c.request.subject.pseudonym)
        .map((s) => ({
          id: s.id,
          subject: s.subject,
          controller: s.operator,
          systems: [s.system],
          purposes: s.purposes,
          categories: s.categories,
          legalBasis: 'consent' as const,
          recipients: s.recipients,
          processingCountries: [],
          storageCountries: [],
          retention: 'P1Y',
          validFrom: s.validFrom,
          validUntil: s.validUntil,
          requestExpiresAt: s.validFrom,
          collectionMethod: 'portal' as const,
          language: 'en' as const,
          policyUrl: '',
          withdrawalMethod: '',
          message: { kk: '', ru: '', en: '' },
          callbackUrl: null,
          state: s.state,
          createdAt: s.validFrom,
          updatedAt: s.validFrom,
          version: 1,
        })),
      { ...coverageQueryOf(profile, c.request), subject: c.request.subject.pseudonym, at: c.at },
    );
    const consent: ConsentCoverageResult = found.covered
      ? { covered: true, consentId: found.consent.id }
      : { covered: false, code: found.reason.code };
    return {
      profile,
      request: c.request,
      consent,
      regimes: [],
      responses: [],
      restrictions: [],
      adequateCountries: adequate,
      taxonomy,
      at: c.at,
    };
  });
  let k = 0;
  const pure = rate(
    'decide() alone',
    { decide: () => decide(inputs[k++ % inputs.length]!).decision },
    checks,
  );
  const withCoverage = rate(
    `decide() + coverage, ${LARGE.toLocaleString('en')} consents`,
    engines.decideLarge,
    checks,
  );
  const withCoverageSmall = rate(
    `decide() + coverage, ${SMALL.toLocaleString('en')} consents`,
    engines.decideSmall,
    checks,
  );
  const cedarRate = rate('cedar-wasm statefulIsAuthorized', engines.cedar, checks);
  const casbinSmall = rate(
    `casbin enforceSync, ${SMALL.toLocaleString('en')} consents`,
    engines.casbinSmall,
    checks,
  );
  const casbinLarge = rate(
    `casbin enforceSync, ${LARGE.toLocaleString('en')} consents`,
    engines.casbinLarge,
    checks,
    SECONDS * 2,
  );

  const ratio = (a: number, b: number) => (a / b).toFixed(a / b >= 100 ? 0 : 1);
  console.log('');
  console.log(
    `decide()+coverage ÷ cedar-wasm                 ${ratio(withCoverage, cedarRate).padStart(8)}   target ≥ 10`,
  );
  console.log(
    `decide()+coverage ÷ casbin (${SMALL.toLocaleString('en')})            ${ratio(withCoverageSmall, casbinSmall).padStart(8)}   target ≥ 100`,
  );
  console.log(
    `decide()+coverage ÷ casbin (${LARGE.toLocaleString('en')})          ${ratio(withCoverage, casbinLarge).padStart(8)}`,
  );
  console.log(
    `decide() alone ÷ cedar-wasm                    ${ratio(pure, cedarRate).padStart(8)}`,
  );
  console.log(
    `decide() alone ÷ casbin (${SMALL.toLocaleString('en')})               ${ratio(pure, casbinSmall).padStart(8)}`,
  );
}

await main();
