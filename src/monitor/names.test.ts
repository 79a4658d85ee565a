import { describe, expect, it } from 'vitest';
import { createNamer, type MonitorNames, nameAlert, nameCase, nameRecord } from './names.js';

const BANK = { kk: 'Банк', ru: 'Банк', en: 'Bank' };

function names(): MonitorNames & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    systemNames(systemId) {
      asked.push(systemId);
      if (systemId === 'sys_broken') return Promise.reject(new Error('registry down'));
      if (systemId === 'sys_gone') return Promise.resolve(null);
      return Promise.resolve({
        systemName: `System ${systemId}`,
        operatorId: 'op_1',
        operatorName: BANK,
      });
    },
    actorCode: (operatorId, actorId) => `A-${operatorId}-${actorId}`,
  };
}

describe('monitor names', () => {
  it('puts names and the actor code beside the ids, looking each system up once per answer', async () => {
    const port = names();
    const namesOf = createNamer(port);
    const alert = { id: 'a', context: { system: 'sys_1', operator: 'op_1', actorId: 'clerk' } };
    const named = await nameAlert(alert, namesOf);
    expect(named.context).toEqual({
      ...alert.context,
      systemName: 'System sys_1',
      operatorName: BANK,
      actorCode: 'A-op_1-clerk',
    });
    const kase = await nameCase({ system: 'sys_1', operator: 'op_1', actorId: null }, namesOf);
    expect(kase).toMatchObject({ systemName: 'System sys_1', operatorName: BANK });
    expect(kase).not.toHaveProperty('actorCode');
    expect(port.asked).toEqual(['sys_1']);
  });

  it('leaves names out for an unknown system or a failed look-up, and the operator name for another operator', async () => {
    const namesOf = createNamer(names());
    expect(
      await nameRecord({ systemId: 'sys_gone', operatorId: 'op_1', actorId: 'x' }, namesOf),
    ).toEqual({ systemId: 'sys_gone', operatorId: 'op_1', actorId: 'x', actorCode: 'A-op_1-x' });
    expect(await nameRecord({ systemId: 'sys_broken', operatorId: 'op_1' }, namesOf)).toEqual({
      systemId: 'sys_broken',
      operatorId: 'op_1',
    });
    // A record whose operator is not the system's operator now: the system's name, not the other's.
    const moved = await nameRecord({ systemId: 'sys_1', operatorId: 'op_9' }, namesOf);
    expect(moved).toEqual({ systemId: 'sys_1', operatorId: 'op_9', systemName: 'System sys_1' });
  });

  it('answers ids only without a names port', async () => {
    const alert = { context: { system: 'sys_1', actorId: 'clerk' } };
    expect(await nameAlert(alert, createNamer(undefined))).toEqual(alert);
  });
});
