import { describe, expect, it } from 'vitest';
import type { Certificate, InformationSystem, Operator } from './registry.model.js';
import {
  certificateInForce,
  decideKeyUse,
  evaluateStanding,
  isSuspendedAt,
  type KeyFacts,
} from './standing.js';

const operator: Operator = {
  id: 'op_1',
  identifierKind: 'bin',
  identifier: '940140000385',
  name: { kk: 'Оператор', ru: 'Оператор', en: 'Operator' },
  sector: 'bank',
  contact: { name: 'A', position: 'DPO', email: 'a@b.kz', phone: '+77010000000' },
  status: 'active',
  statusReason: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const system: InformationSystem = {
  id: 'sys_1',
  operatorId: 'op_1',
  name: 'Face entry',
  description: '',
  kind: 'biometric',
  purposes: ['security.access-control'],
  categories: ['identity', 'biometric'],
  legalGrounds: [],
  hosting: { country: 'KZ', dataCentre: 'DC', onNationalPlatform: true },
  connections: { accessControlSince: null, socSince: null },
  trustStatus: 'listed',
  biometric: { modalities: ['face'], locations: ['Gate'], vendor: 'V', templateStorage: 'HSM' },
  clientCertSha256: null,
  status: 'active',
  statusReason: null,
  suspendedUntil: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const certificate = (
  id: string,
  validFrom: string,
  validUntil: string,
  withdrawnAt: string | null = null,
): Certificate => ({
  id,
  systemId: 'sys_1',
  number: id,
  issuer: 'Certification centre',
  scope: 'face recognition',
  validFrom,
  validUntil,
  recordedAt: validFrom,
  withdrawnAt,
  withdrawnReason: withdrawnAt ? 'audit failed' : null,
});

const codes = (s: ReturnType<typeof evaluateStanding>) => s.reasons.map((r) => r.code);

describe('evaluateStanding', () => {
  const valid = certificate('c1', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');

  it('an active certified biometric system of an active operator may act', () => {
    const standing = evaluateStanding(system, operator, [valid], '2026-06-01T00:00:00.000Z');
    expect(standing).toMatchObject({
      mayAct: true,
      reasons: [],
      certified: true,
      certificate: { id: 'c1', validUntil: valid.validUntil },
    });
  });

  it('the certificate expires exactly at validUntil', () => {
    expect(evaluateStanding(system, operator, [valid], '2026-12-31T23:59:59.999Z').mayAct).toBe(
      true,
    );
    const after = evaluateStanding(system, operator, [valid], '2027-01-01T00:00:00.000Z');
    expect(after).toMatchObject({ mayAct: false, certified: false, certificate: null });
    expect(codes(after)).toEqual(['biometric.certificate_expired']);
  });

  it('the certificate is valid from its first instant: validFrom inclusive', () => {
    const before = evaluateStanding(system, operator, [valid], '2025-12-31T23:59:59.999Z');
    expect(before).toMatchObject({ mayAct: false, certified: false, certificate: null });
    expect(codes(before)).toEqual(['biometric.certificate_not_yet_valid']);
    expect(evaluateStanding(system, operator, [valid], valid.validFrom)).toMatchObject({
      mayAct: true,
      certified: true,
      reasons: [],
      certificate: { id: 'c1', number: 'c1', issuer: 'Certification centre' },
    });
    expect(certificateInForce([valid], '2025-12-31T23:59:59.999Z')).toBeUndefined();
    expect(certificateInForce([valid], valid.validFrom)?.id).toBe('c1');
  });

  it('the last valid instant is one millisecond before validUntil (exclusive)', () => {
    expect(certificateInForce([valid], '2026-12-31T23:59:59.999Z')?.id).toBe('c1');
    expect(certificateInForce([valid], valid.validUntil)).toBeUndefined();
  });

  it('a withdrawn certificate is not in force even inside its validity, another one is', () => {
    const withdrawn = certificate(
      'c4',
      '2026-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    );
    expect(certificateInForce([withdrawn], '2026-06-01T00:00:00.000Z')).toBeUndefined();
    expect(certificateInForce([withdrawn, valid], '2026-06-01T00:00:00.000Z')?.id).toBe('c1');
  });

  it('a future certificate is reported before an expired one, and a withdrawn future one not at all', () => {
    const expired = certificate('c5', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
    const future = certificate('c6', '2026-07-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z');
    const at = '2026-06-01T00:00:00.000Z';
    expect(codes(evaluateStanding(system, operator, [expired, future], at))).toEqual([
      'biometric.certificate_not_yet_valid',
    ]);
    expect(codes(evaluateStanding(system, operator, [expired], at))).toEqual([
      'biometric.certificate_expired',
    ]);
    const withdrawnFuture = { ...future, withdrawnAt: '2026-05-01T00:00:00.000Z' };
    expect(codes(evaluateStanding(system, operator, [expired, withdrawnFuture], at))).toEqual([
      'biometric.certificate_expired',
    ]);
    const withdrawnExpired = { ...expired, withdrawnAt: '2024-06-01T00:00:00.000Z' };
    expect(codes(evaluateStanding(system, operator, [withdrawnExpired], at))).toEqual([
      'biometric.certificate_missing',
    ]);
  });

  it('no certificate, a future one, or a withdrawn one each have their reason', () => {
    expect(codes(evaluateStanding(system, operator, [], '2026-06-01T00:00:00.000Z'))).toEqual([
      'biometric.certificate_missing',
    ]);
    const future = certificate('c2', '2026-07-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z');
    expect(codes(evaluateStanding(system, operator, [future], '2026-06-01T00:00:00.000Z'))).toEqual(
      ['biometric.certificate_not_yet_valid'],
    );
    const withdrawn = certificate(
      'c3',
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    );
    expect(
      codes(evaluateStanding(system, operator, [withdrawn], '2026-06-01T00:00:00.000Z')),
    ).toEqual(['biometric.certificate_missing']);
  });

  it('reports every failing reason at once, in kk, ru and en', () => {
    const standing = evaluateStanding(
      { ...system, status: 'suspended' },
      { ...operator, status: 'revoked' },
      [],
      '2026-06-01T00:00:00.000Z',
    );
    expect(codes(standing)).toEqual([
      'system.suspended',
      'operator.revoked',
      'biometric.certificate_missing',
    ]);
    for (const reason of standing.reasons) {
      expect(reason.message.en).toMatch(/^[A-Z]/);
      expect(reason.message.ru).toMatch(/[а-я]/);
      expect(reason.message.kk).toMatch(/[әғқңөұүһі]/);
    }
  });

  it('ordinary systems need no certificate', () => {
    const standing = evaluateStanding(
      { ...system, kind: 'ordinary', biometric: null },
      operator,
      [],
      '2026-06-01T00:00:00.000Z',
    );
    expect(standing).toMatchObject({ mayAct: true, certified: null });
  });

  it('an unknown system asked for without an id is reported under an empty id', () => {
    expect(evaluateStanding(undefined, operator, [], '2026-06-01T00:00:00.000Z')).toMatchObject({
      systemId: '',
      mayAct: false,
    });
  });

  it('an unknown system may not act', () => {
    expect(
      codes(evaluateStanding(undefined, undefined, [], '2026-06-01T00:00:00.000Z', 'sys_x')),
    ).toEqual(['system.unknown']);
  });

  it('a suspension with an end date lapses by itself', () => {
    const suspended = {
      ...system,
      status: 'suspended' as const,
      suspendedUntil: '2026-06-02T00:00:00.000Z',
    };
    expect(isSuspendedAt(suspended, '2026-06-01T23:00:00.000Z')).toBe(true);
    expect(isSuspendedAt(suspended, '2026-06-02T00:00:00.000Z')).toBe(false);
    expect(isSuspendedAt({ ...suspended, suspendedUntil: null }, '2099-01-01T00:00:00.000Z')).toBe(
      true,
    );
  });

  it('picks the longest-valid certificate in force, in whatever order they come', () => {
    const later = certificate('c9', '2026-05-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z');
    const middle = certificate('c8', '2026-05-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z');
    for (const order of [
      [valid, later, middle],
      [later, middle, valid],
      [middle, valid, later],
    ])
      expect(certificateInForce(order, '2026-06-01T00:00:00.000Z')?.id).toBe('c9');
    expect(
      evaluateStanding(system, operator, [valid, later], '2026-06-01T00:00:00.000Z'),
    ).toMatchObject({
      certificate: { id: 'c9', validUntil: later.validUntil },
    });
  });

  it('each status of system and operator has its reason; revoked wins over suspended', () => {
    const at = '2026-06-01T00:00:00.000Z';
    const ordinary = { ...system, kind: 'ordinary' as const, biometric: null };
    const cases: [Partial<InformationSystem>, Operator['status'], string[]][] = [
      [
        { status: 'revoked', suspendedUntil: '2099-01-01T00:00:00.000Z' },
        'active',
        ['system.revoked'],
      ],
      [{ status: 'suspended' }, 'suspended', ['system.suspended', 'operator.suspended']],
      [{ status: 'suspended', suspendedUntil: '2026-05-01T00:00:00.000Z' }, 'active', []],
      [{ status: 'active' }, 'revoked', ['operator.revoked']],
    ];
    for (const [change, operatorStatus, expected] of cases) {
      const standing = evaluateStanding(
        { ...ordinary, ...change },
        { ...operator, status: operatorStatus },
        [],
        at,
      );
      expect(codes(standing)).toEqual(expected);
      expect(standing.mayAct).toBe(expected.length === 0);
      expect(standing).toMatchObject({ systemId: 'sys_1', at, certified: null });
    }
  });

  it('a known system whose operator is missing reads as unknown, under the id asked for', () => {
    expect(evaluateStanding(system, undefined, [], '2026-06-01T00:00:00.000Z')).toEqual({
      systemId: 'sys_1',
      mayAct: false,
      reasons: [
        {
          code: 'system.unknown',
          message: {
            en: 'The information system is not in the registry.',
            ru: 'Информационная система не зарегистрирована в реестре.',
            kk: 'Ақпараттық жүйе тізілімде тіркелмеген.',
          },
        },
      ],
      certified: null,
      certificate: null,
      at: '2026-06-01T00:00:00.000Z',
    });
  });
});

describe('decideKeyUse: the standing rule for API keys', () => {
  const at = '2026-06-01T00:00:00.000Z';
  const inForce = certificate('c1', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
  const facts = (change: Partial<KeyFacts> = {}): KeyFacts => ({
    keyId: 'key_1',
    keyState: 'active',
    system,
    operator,
    certificates: [inForce],
    registeredCertSha256: null,
    presentedCertSha256: undefined,
    ...change,
  });

  it('admits a key in good standing on every route, with its standing', () => {
    for (const keyState of ['active', 'expiring'] as const)
      for (const accepts of [false, true])
        expect(decideKeyUse(facts({ keyState }), at, accepts)).toMatchObject({
          outcome: 'admitted',
          standing: { mayAct: true, systemId: 'sys_1', at },
        });
  });

  it('a revoked or expired key, a revoked system or operator: 401 on every route', () => {
    const cases: [Partial<KeyFacts>, string][] = [
      [{ keyState: 'revoked' }, 'API key key_1 was revoked.'],
      [{ keyState: 'expired' }, 'API key key_1 expired after rotation; use its successor.'],
      [
        { system: { ...system, status: 'revoked' } },
        'System sys_1 is revoked; its keys no longer work.',
      ],
      [
        { operator: { ...operator, status: 'revoked' } },
        'The operator of system sys_1 is revoked; its keys no longer work.',
      ],
    ];
    for (const [change, detail] of cases)
      for (const accepts of [false, true])
        expect(decideKeyUse(facts(change), at, accepts)).toEqual({
          outcome: 'unauthenticated',
          detail,
        });
  });

  it('a registered client certificate must be presented, and be that one', () => {
    const registered = { registeredCertSha256: 'aa'.repeat(32) };
    const detail = 'System sys_1 must also present its registered client certificate.';
    for (const presented of [undefined, 'bb'.repeat(32)])
      for (const accepts of [false, true])
        expect(
          decideKeyUse(facts({ ...registered, presentedCertSha256: presented }), at, accepts),
        ).toEqual({ outcome: 'unauthenticated', detail });
    expect(
      decideKeyUse(facts({ ...registered, presentedCertSha256: 'aa'.repeat(32) }), at, false),
    ).toMatchObject({ outcome: 'admitted' });
    // A presented certificate where none is registered is not required, so not checked.
    expect(decideKeyUse(facts({ presentedCertSha256: 'cc'.repeat(32) }), at, false)).toMatchObject({
      outcome: 'admitted',
    });
  });

  it('a suspended system or operator: 401 where standing is needed, admitted with reasons on the access checks', () => {
    const cases: [Partial<KeyFacts>, string, string][] = [
      [
        { system: { ...system, status: 'suspended' } },
        'System sys_1 is suspended; its keys do not work while it is.',
        'system.suspended',
      ],
      [
        { operator: { ...operator, status: 'suspended' } },
        'The operator of system sys_1 is suspended.',
        'operator.suspended',
      ],
    ];
    for (const [change, detail, code] of cases) {
      expect(decideKeyUse(facts(change), at, false)).toEqual({
        outcome: 'unauthenticated',
        detail,
      });
      const admitted = decideKeyUse(facts(change), at, true);
      expect(admitted).toMatchObject({ outcome: 'admitted', standing: { mayAct: false } });
      if (admitted.outcome === 'admitted') expect(codes(admitted.standing)).toEqual([code]);
    }
  });

  it('a suspension that has lapsed is no suspension', () => {
    const lapsed = {
      ...system,
      status: 'suspended' as const,
      suspendedUntil: '2026-05-01T00:00:00.000Z',
    };
    expect(decideKeyUse(facts({ system: lapsed }), at, false)).toMatchObject({
      outcome: 'admitted',
      standing: { mayAct: true },
    });
  });

  it('a biometric system without a certificate in force: 403 with the reason, admitted on the access checks', () => {
    const expired = certificate('c2', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
    const refused = decideKeyUse(facts({ certificates: [expired] }), at, false);
    expect(refused).toMatchObject({
      outcome: 'forbidden',
      detail:
        'System sys_1 is not in standing: The certificate of this biometric system has expired: it is not certified.',
      standing: { mayAct: false, certified: false },
    });
    expect(decideKeyUse(facts({ certificates: [] }), at, true)).toMatchObject({
      outcome: 'admitted',
      standing: { mayAct: false, reasons: [{ code: 'biometric.certificate_missing' }] },
    });
  });
});
