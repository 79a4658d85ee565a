/**
 * A small world for the decision's tests and benchmark: a clinic, a lender and a car maker hosted
 * at home, a cloud service hosted abroad, and builders that change one thing at a time.
 */
import { DEFAULT_TAXONOMY, indexTaxonomy } from '../core/taxonomy.js';
import type {
  AccessProfile,
  AccessRequest,
  ConsentCoverageResult,
  DecisionInput,
} from './access.model.js';

export const AT = '2025-06-01T12:00:00.000Z';
export const TAXONOMY = indexTaxonomy();
export const ADEQUATE: ReadonlySet<string> = new Set(DEFAULT_TAXONOMY.adequateCountries);

export const CLINIC: AccessProfile = {
  system: {
    id: 'sys_clinic',
    operatorId: 'op_clinic',
    kind: 'ordinary',
    hostingCountry: 'KZ',
    purposes: ['health.treatment', 'health.sick-leave', 'research.statistics', 'ai.model-training'],
    categories: ['identity', 'contact', 'address', 'document', 'health', 'genetic', 'employment'],
  },
  operator: { id: 'op_clinic' },
  standing: { ok: true, reasons: [] },
  grounds: [
    {
      kind: 'law',
      purpose: 'health.sick-leave',
      reference: 'Code on Public Health, Art. 60',
      validFrom: '2020-07-07T00:00:00.000Z',
      validTo: null,
    },
    {
      kind: 'contract',
      purpose: 'health.treatment',
      reference: 'Paid-services contract template v3',
      validFrom: '2024-01-01T00:00:00.000Z',
      validTo: '2026-01-01T00:00:00.000Z',
    },
  ],
};

export const CAR_MAKER: AccessProfile = {
  system: {
    id: 'sys_car',
    operatorId: 'op_car',
    kind: 'telematics',
    hostingCountry: 'KZ',
    purposes: ['transport.insurance', 'transport.telematics-service'],
    categories: ['identity', 'contact', 'document', 'financial', 'location', 'telematics'],
  },
  operator: { id: 'op_car' },
  standing: { ok: true, reasons: [] },
  grounds: [
    {
      kind: 'contract',
      purpose: 'transport.insurance',
      reference: 'Motor insurance contract',
      validFrom: '2024-01-01T00:00:00.000Z',
      validTo: null,
      recipients: [
        { identifier: '990340000123', name: 'Qazaq Insurance', country: 'KZ' },
        { name: 'Allianz SE', country: 'DE' },
        { name: 'Ping An', country: 'CN' },
      ],
    },
    {
      kind: 'law',
      purpose: 'transport.insurance',
      reference: 'Law on compulsory motor insurance',
      validFrom: '2024-01-01T00:00:00.000Z',
      validTo: null,
    },
  ],
};

export const LENDER: AccessProfile = {
  system: {
    id: 'sys_lender',
    operatorId: 'op_lender',
    kind: 'ordinary',
    hostingCountry: 'KZ',
    purposes: ['finance.credit-scoring', 'finance.kyc', 'finance.loan-servicing', 'marketing'],
    categories: ['identity', 'contact', 'document', 'financial', 'employment', 'social', 'address'],
  },
  operator: { id: 'op_lender' },
  standing: { ok: true, reasons: [] },
  grounds: [
    {
      kind: 'law',
      purpose: 'finance.kyc',
      reference: 'AML Law, Art. 5',
      validFrom: '2010-01-01T00:00:00.000Z',
      validTo: null,
    },
  ],
};

/** A marketing platform hosted in Germany: every read is a transfer there. */
export const CLOUD: AccessProfile = {
  system: {
    id: 'sys_cloud',
    operatorId: 'op_cloud',
    kind: 'ordinary',
    hostingCountry: 'DE',
    purposes: ['marketing', 'transport.telematics-service'],
    categories: ['identity', 'contact', 'online', 'location', 'telematics'],
  },
  operator: { id: 'op_cloud' },
  standing: { ok: true, reasons: [] },
  grounds: [],
};

export const SUBJECT = { pseudonym: 'psn_subject', birthDate: '1990-04-12' };

export const request = (overrides: Partial<AccessRequest> = {}): AccessRequest => ({
  subject: SUBJECT,
  categories: ['identity', 'health'],
  purpose: 'health.treatment',
  legalBasis: 'consent',
  actor: { id: 'doctor-17' },
  action: 'read',
  ...overrides,
});

export const COVERED: ConsentCoverageResult = { covered: true, consentId: 'cns_1' };
export const NO_CONSENT: ConsentCoverageResult = { covered: false, code: 'none' };

export const input = (overrides: Partial<DecisionInput> = {}): DecisionInput => ({
  profile: CLINIC,
  request: request(),
  consent: COVERED,
  regimes: [],
  responses: [],
  restrictions: [],
  adequateCountries: ADEQUATE,
  taxonomy: TAXONOMY,
  at: AT,
  ...overrides,
});
