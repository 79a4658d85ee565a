/**
 * A minimal registry for composed-server tests and benchmarks, made through the API as the demo
 * loader makes the demo world (but in a second, not minutes): staff tokens for the regulator, the
 * SOC and an auditor, one operator (a bank) and one system (core banking, permitted to read for
 * KYC by law, so a check needs no consent) with an API key.
 */
import type { Labels } from '../../src/core/taxonomy.js';
import type { Qalqan } from '../../src/server.js';

export interface MinimalWorld {
  readonly staff: { readonly regulator: string; readonly soc: string; readonly auditor: string };
  readonly operatorId: string;
  readonly operatorName: Labels;
  readonly systemId: string;
  readonly systemName: string;
  readonly apiKey: string;
}

const ACTOR = { kind: 'staff', id: 'test-bootstrap', role: 'regulator' } as const;

export const OPERATOR_NAME: Labels = {
  kk: '«Сенім Банк» АҚ',
  ru: 'АО «Сенім Банк»',
  en: 'Senim Bank JSC',
};
export const SYSTEM_NAME = 'Core banking';

/** A check the system may make by law (AML/CFT KYC): permitted without consent. */
export const kycCheck = (subject: string, actorId: string) => ({
  subject,
  categories: ['identity'],
  purpose: 'finance.kyc',
  legalBasis: 'law',
  basisReference: 'AML/CFT Law 191-IV, Art. 5',
  actor: { id: actorId },
  action: 'read',
});

export async function loadMinimalWorld(qalqan: Qalqan): Promise<MinimalWorld> {
  const issue = qalqan.registry.bootstrap.issueStaffToken.bind(qalqan.registry.bootstrap);
  const staff = {
    regulator: (await issue('regulator', 'Test regulator', ACTOR)).token,
    soc: (await issue('soc', 'Test SOC analyst', ACTOR)).token,
    auditor: (await issue('auditor', 'Test auditor', ACTOR)).token,
  };
  const asRegulator = { authorization: `Bearer ${staff.regulator}` };
  const post = async <T>(url: string, payload: Record<string, unknown>): Promise<T> => {
    const res = await qalqan.app.inject({ method: 'POST', url, headers: asRegulator, payload });
    if (res.statusCode !== 201 && res.statusCode !== 200)
      throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
  const { operator } = await post<{ operator: { id: string } }>('/v1/registry/operators', {
    identifier: '940240000389',
    name: OPERATOR_NAME,
    sector: 'bank',
    contact: {
      name: 'Data protection officer',
      position: 'Data protection officer',
      email: 'dpo@bank.example',
      phone: '+7 727 355 00 00',
    },
  });
  const { system } = await post<{ system: { id: string } }>('/v1/registry/systems', {
    operatorId: operator.id,
    name: SYSTEM_NAME,
    description: 'Accounts, payments and customer identification',
    kind: 'ordinary',
    purposes: ['finance.kyc', 'finance.payments'],
    categories: ['identity', 'document', 'contact', 'address', 'financial'],
    legalGrounds: [
      {
        basis: 'law',
        reference: 'AML/CFT Law 191-IV, Art. 5',
        purposes: ['finance.kyc'],
        validUntil: null,
      },
    ],
    hosting: { country: 'KZ', dataCentre: 'Almaty, Tier III', onNationalPlatform: false },
    connections: { accessControlSince: '2026-03-01', socSince: '2026-03-01' },
    trustStatus: 'listed',
  });
  const { apiKey } = await post<{ apiKey: string }>(`/v1/registry/systems/${system.id}/keys`, {
    label: 'test',
  });
  return {
    staff,
    operatorId: operator.id,
    operatorName: OPERATOR_NAME,
    systemId: system.id,
    systemName: SYSTEM_NAME,
    apiKey,
  };
}
