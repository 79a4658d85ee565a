import { describe, expect, it } from 'vitest';
import { indexTaxonomy } from '../core/taxonomy.js';
import {
  checkSystemConsistency,
  isIsoDate,
  normaliseCertificateDates,
  type SystemInput,
} from './system-rules.js';

const taxonomy = indexTaxonomy();
const base: SystemInput = {
  operatorId: 'op_1',
  name: 'Scoring',
  description: '',
  kind: 'ordinary',
  purposes: ['finance.credit-scoring'],
  categories: ['identity', 'financial'],
  hosting: { country: 'KZ', dataCentre: 'DC', onNationalPlatform: false },
};
const check = (overrides: Partial<SystemInput>) => () =>
  checkSystemConsistency({ ...base, ...overrides }, taxonomy);

describe('checkSystemConsistency', () => {
  it('accepts a consistent description', () => {
    expect(check({})).not.toThrow();
  });

  it('names unknown purposes, categories and countries', () => {
    expect(check({ purposes: ['finance.credit-scoring', 'astrology'] })).toThrow(
      "purposes: unknown purpose 'astrology'",
    );
    expect(check({ categories: ['identity', 'aura'] })).toThrow(
      "categories: unknown data category 'aura'",
    );
    expect(
      check({ hosting: { country: 'QQ', dataCentre: 'x', onNationalPlatform: false } }),
    ).toThrow("hosting.country: 'QQ' is not an ISO 3166-1");
  });

  it('refuses categories no declared purpose may use', () => {
    expect(check({ categories: ['identity', 'health', 'biometric'] })).toThrow(
      "categories: 'health', 'biometric' not allowed for any declared purpose (finance.credit-scoring)",
    );
  });

  it('checks legal grounds against the purposes and their allowed bases', () => {
    expect(
      check({
        legalGrounds: [
          { basis: 'law', reference: 'Law 94-V', purposes: ['marketing'], validUntil: null },
        ],
      }),
    ).toThrow("legalGrounds[0].purposes: 'marketing' is not one of the system's purposes");
    expect(
      check({
        legalGrounds: [
          {
            basis: 'law',
            reference: 'Law 94-V',
            purposes: ['finance.credit-scoring'],
            validUntil: null,
          },
        ],
      }),
    ).toThrow(
      "legalGrounds[0].basis: 'law' is not a legal basis for 'finance.credit-scoring' (allowed: consent)",
    );
    expect(
      check({
        purposes: ['finance.kyc'],
        categories: ['identity', 'document'],
        legalGrounds: [
          {
            basis: 'law',
            reference: 'AML Law Art. 5',
            purposes: ['finance.kyc'],
            validUntil: '2030-01-01',
          },
        ],
      }),
    ).not.toThrow();
  });

  it('refuses a ground declared twice, and a purpose or recipient named twice in one ground', () => {
    const aml = {
      basis: 'law' as const,
      reference: 'AML Law Art. 5',
      purposes: ['finance.kyc'],
      validUntil: null,
      recipients: [{ identifier: '150140012345', name: 'Credit Bureau', country: 'KZ' }],
    };
    const kyc = { purposes: ['finance.kyc'], categories: ['identity', 'document'] };
    // Equal as JSON whatever the order of the keys, as the schema's uniqueItems compares them.
    const reordered = {
      recipients: aml.recipients,
      validUntil: null,
      purposes: aml.purposes,
      reference: aml.reference,
      basis: aml.basis,
    };
    expect(check({ ...kyc, legalGrounds: [aml, reordered] })).toThrow(
      'legalGrounds[1]: the same ground is declared twice',
    );
    expect(
      check({ ...kyc, legalGrounds: [{ ...aml, purposes: ['finance.kyc', 'finance.kyc'] }] }),
    ).toThrow('legalGrounds[0].purposes[1]: named twice');
    expect(
      check({
        ...kyc,
        legalGrounds: [{ ...aml, recipients: [...aml.recipients, { ...aml.recipients[0]! }] }],
      }),
    ).toThrow('legalGrounds[0].recipients[1]: named twice');
    expect(
      check({ ...kyc, legalGrounds: [aml, { ...aml, reference: 'Court order 7' }] }),
    ).not.toThrow();
  });

  it('requires a biometric profile exactly for biometric systems', () => {
    const biometric = {
      kind: 'biometric' as const,
      purposes: ['security.access-control'],
      categories: ['identity', 'biometric'],
    };
    expect(check(biometric)).toThrow('biometric: a biometric system must describe');
    const profile = {
      modalities: ['face' as const],
      locations: ['Gate'],
      vendor: 'V',
      templateStorage: 'HSM',
    };
    expect(check({ ...biometric, biometric: profile })).not.toThrow();
    expect(check({ biometric: profile })).toThrow(
      "only a biometric system has a biometric profile (kind is 'ordinary')",
    );
    expect(check({ ...biometric, categories: ['identity'], biometric: profile })).toThrow(
      "must declare the 'biometric' category",
    );
  });

  it('checks connection dates and the client certificate fingerprint', () => {
    expect(check({ connections: { accessControlSince: '2026-02-30', socSince: null } })).toThrow(
      'connections.accessControlSince: expected YYYY-MM-DD',
    );
    expect(check({ clientCertSha256: 'ABC' })).toThrow(
      'clientCertSha256: expected 64 lower-case hex',
    );
  });
});

describe('certificate dates', () => {
  it('a date-only validity covers whole days, as half-open UTC instants', () => {
    expect(normaliseCertificateDates('2026-01-01', '2026-12-31')).toEqual({
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
    });
    expect(normaliseCertificateDates('2026-01-01T10:00:00+05:00', '2026-01-02T10:00:00Z')).toEqual({
      validFrom: '2026-01-01T05:00:00.000Z',
      validUntil: '2026-01-02T10:00:00.000Z',
    });
  });

  it('refuses valid-until before valid-from, and non-dates', () => {
    expect(() => normaliseCertificateDates('2026-06-01', '2026-01-01')).toThrow(
      'validUntil (2026-01-01) is not after validFrom (2026-06-01)',
    );
    expect(() => normaliseCertificateDates('June', '2026-01-01')).toThrow(
      'validFrom: expected an ISO date',
    );
    expect(() => normaliseCertificateDates('2026-01-01', '2026-01-01T00:00:00')).toThrow(
      'validUntil: expected an ISO date',
    );
  });

  it('knows real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-13-01')).toBe(false);
  });
});
