/**
 * Differential test: the same generated requests decided by `decide()` (behind the consent
 * module's coverage, as the service composes them), by Cedar (`statefulIsAuthorized` on a
 * preparsed policy set) and by casbin (`enforce` over the consents as policy rows). The domain
 * and the mapping are documented in `decide.engines.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAXONOMY, indexTaxonomy } from '../core/taxonomy.js';
import {
  casbinEngine,
  cedarEngine,
  decideEngine,
  domainArbitraries,
  type DomainWorld,
} from './decide.engines.js';

const taxonomy = indexTaxonomy();
const adequate = new Set(DEFAULT_TAXONOMY.adequateCountries);
const SUBJECTS = 12;
const { systems, consents, check } = domainArbitraries(taxonomy);

describe('decide: differential against Cedar and casbin', () => {
  it('gives the same decision as both engines on every generated request', async () => {
    const worlds = fc.sample(fc.tuple(systems, consents(SUBJECTS)), {
      numRuns: 12,
      seed: 20250601,
    });
    const tally = { permit: 0, deny: 0 };
    for (const [n, [profiles, stored]] of worlds.entries()) {
      const world: DomainWorld = { systems: profiles, consents: stored, taxonomy, adequate };
      const engines = {
        decide: decideEngine(world),
        cedar: cedarEngine(world, `differential-${n}`),
        casbin: await casbinEngine(world),
      };
      for (const request of fc.sample(check(SUBJECTS, stored, profiles), {
        numRuns: 150,
        seed: n,
      })) {
        const answers = {
          decide: engines.decide.decide(request),
          cedar: engines.cedar.decide(request),
          casbin: engines.casbin.decide(request),
        };
        const subject = request.request.subject.pseudonym;
        const context = {
          request,
          profile: profiles.get(request.systemId),
          consents: stored.filter((c) => c.subject === subject && c.system === request.systemId),
        };
        expect({ answers, context }).toEqual({
          answers: { decide: answers.decide, cedar: answers.decide, casbin: answers.decide },
          context,
        });
        tally[answers.decide] += 1;
      }
    }
    // Both outcomes well represented, or agreement would prove little.
    expect(tally.permit).toBeGreaterThan(100);
    expect(tally.deny).toBeGreaterThan(100);
  }, 120_000);

  it('every rule of the domain decides some request on its own (the engines are not trivially equal)', async () => {
    // A permitted transfer of telematics abroad, then each ingredient removed in turn.
    const profile = {
      system: {
        id: 'sys_car',
        operatorId: 'op_car',
        kind: 'ordinary',
        hostingCountry: 'KZ',
        purposes: ['transport.insurance'],
        categories: ['identity', 'telematics', 'financial'],
      },
      operator: { id: 'op_car' },
      standing: { ok: true, reasons: [] },
      grounds: [
        {
          kind: 'contract' as const,
          purpose: 'transport.insurance',
          reference: 'Motor contract',
          validFrom: '2024-01-01T00:00:00.000Z',
          validTo: null,
          recipients: [{ name: 'Ping An', country: 'CN' }],
        },
      ],
    };
    const consent = {
      id: 'cns_1',
      subject: 'psn_0',
      system: 'sys_car',
      operator: 'op_car',
      state: 'active' as const,
      purposes: ['transport.insurance'],
      categories: ['identity', 'telematics', 'financial'],
      recipients: [{ name: 'Ping An', country: 'CN' }],
      validFrom: '2024-01-01T00:00:00.000Z',
      validUntil: '2026-01-01T00:00:00.000Z',
    };
    const request = {
      systemId: 'sys_car',
      at: '2025-06-01T00:00:00.000Z',
      request: {
        subject: { pseudonym: 'psn_0', birthDate: '1990-01-01' },
        categories: ['identity', 'financial'],
        purpose: 'transport.insurance',
        legalBasis: 'contract',
        actor: { id: 'a' },
        action: 'transfer' as const,
        recipient: { name: 'Ping An' },
        country: 'CN',
      },
    };
    const cases: [string, DomainWorld['consents'], typeof request, 'permit' | 'deny'][] = [
      ['inadequate country, consent names it', [consent], request, 'permit'],
      ['inadequate country, no consent', [], request, 'deny'],
      [
        'telematics abroad, ground names it, no consent',
        [],
        {
          ...request,
          request: { ...request.request, country: 'CN', categories: ['telematics'] },
        },
        'deny',
      ],
      [
        'withdrawn consent',
        [{ ...consent, state: 'withdrawn' }],
        { ...request, request: { ...request.request, legalBasis: 'consent' } },
        'deny',
      ],
      [
        'consent for another recipient',
        [{ ...consent, recipients: [{ name: 'Allianz SE', country: 'CN' }] }],
        { ...request, request: { ...request.request, legalBasis: 'consent' } },
        'deny',
      ],
      [
        'law without reference',
        [consent],
        { ...request, request: { ...request.request, legalBasis: 'law' } },
        'deny',
      ],
    ];
    for (const [name, stored, req, expected] of cases) {
      const world: DomainWorld = {
        systems: new Map([['sys_car', profile]]),
        consents: stored,
        taxonomy,
        adequate,
      };
      const casbin = await casbinEngine(world);
      const answers = [
        decideEngine(world).decide(req),
        cedarEngine(world, `case-${name}`).decide(req),
        casbin.decide(req),
      ];
      expect(answers, name).toEqual([expected, expected, expected]);
    }
  });
});
