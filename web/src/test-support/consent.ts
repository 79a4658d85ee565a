import type { Consent } from '../api/citizen-api';

/** A clinic's treatment consent in `state`, as `GET /v1/me/consents` gives it, for card tests. */
export function consentIn(state: Consent['state'], overrides: Partial<Consent> = {}): Consent {
  return {
    id: 'cns_1',
    controller: 'op_clinic',
    systems: ['sys_clinic'],
    purposes: ['medical-treatment'],
    categories: ['health'],
    legalBasis: 'consent',
    recipients: [],
    processingCountries: ['KZ'],
    storageCountries: ['KZ'],
    retention: 'P5Y',
    validFrom: '2026-11-01T00:00:00.000Z',
    validUntil: '2027-11-01T00:00:00.000Z',
    requestExpiresAt: '2026-11-08T00:00:00.000Z',
    collectionMethod: 'portal',
    language: 'kk',
    policyUrl: 'https://clinic.example/privacy',
    withdrawalMethod: 'portal',
    message: { kk: 'Емдеу', ru: 'Лечение', en: 'Treatment' },
    state,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 1,
    events: [],
    subject: 'psn_1',
    ...overrides,
  };
}
