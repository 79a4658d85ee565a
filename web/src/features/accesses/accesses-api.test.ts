import { describe, expect, it } from 'vitest';
import { type Access, accessesCsv } from './accesses-api';

const access = (over: Partial<Access>): Access =>
  ({
    checkId: 'chk_1',
    at: '2026-12-04T10:00:00.000Z',
    operatorId: 'op_clinic',
    systemId: 'sys_emr',
    purpose: 'health.treatment',
    categories: ['identity', 'health'],
    legalBasis: 'consent',
    decision: 'permit',
    ledgerIndex: 7,
    ...over,
  }) as Access;

describe('access export as CSV', () => {
  it('names the operator in the reader’s language and the system beside their ids, quoting as RFC 4180 says', () => {
    const csv = accessesCsv(
      [
        access({
          operatorName: {
            kk: '№5 қалалық емхана',
            ru: 'Поликлиника №5, город',
            en: 'Polyclinic 5',
          },
          systemName: 'Electronic "health" record',
        }),
        access({ checkId: 'chk_2', systemId: 'sys_gone', ledgerIndex: null }),
      ],
      'ru',
    );
    expect(csv.split('\r\n')).toEqual([
      'at,operator,operatorId,system,systemId,purpose,categories,legalBasis,basisReference,decision,recipient,country,ledgerIndex',
      '2026-12-04T10:00:00.000Z,"Поликлиника №5, город",op_clinic,"Electronic ""health"" record",sys_emr,health.treatment,identity health,consent,,permit,,,7',
      '2026-12-04T10:00:00.000Z,,op_clinic,,sys_gone,health.treatment,identity health,consent,,permit,,,',
      '',
    ]);
  });
});
