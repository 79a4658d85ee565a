import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { byLabel } from './by';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';

async function tIn(language: 'kk' | 'ru' | 'en') {
  const instance = i18next.createInstance();
  await instance.init({
    lng: language,
    ns: ['soc'],
    defaultNS: 'soc',
    resources: { en: { soc: en }, ru: { soc: ru }, kk: { soc: kk } },
    interpolation: { escapeValue: false },
  });
  return instance.t.bind(instance) as unknown as Parameters<typeof byLabel>[0];
}

describe('byLabel', () => {
  it('names the signed-in staff member "you", in each language', async () => {
    expect(byLabel(await tIn('en'), 'staff:soc:stt_1', 'stt_1')).toBe('you');
    expect(byLabel(await tIn('ru'), 'staff:stt_1', 'stt_1')).toBe('вы');
    expect(byLabel(await tIn('kk'), 'staff:regulator:stt_1', 'stt_1')).toBe('сіз');
  });

  it('names another staff member by role, keeping the reference', async () => {
    expect(byLabel(await tIn('en'), 'staff:soc:stt_2', 'stt_1')).toBe('analyst stt_2');
    expect(byLabel(await tIn('ru'), 'staff:soc+auditor:stt_2', 'stt_1')).toBe(
      'аналитик, аудитор stt_2',
    );
    expect(byLabel(await tIn('kk'), 'staff:stt_2', undefined)).toBe('қызметкер stt_2');
    // A role the console does not know is shown as recorded.
    expect(byLabel(await tIn('en'), 'staff:dpo:stt_2', 'stt_1')).toBe('dpo stt_2');
  });

  it('names a system, and leaves any other reference as recorded', async () => {
    expect(byLabel(await tIn('ru'), 'system:sys_9', 'stt_1')).toBe('система sys_9');
    const t = await tIn('en');
    for (const other of ['cli:import', 'rule:honeytoken-touched', 'staff:', 'staff:a:b:c', 'x'])
      expect(byLabel(t, other, 'stt_1')).toBe(other);
  });
});
