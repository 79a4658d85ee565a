import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { en } from './locales/en';
import { kk } from './locales/kk';
import { ru } from './locales/ru';
import {
  caseTitle,
  type CaseTitleMessages,
  incidentTitle,
  type IncidentTitleMessages,
  ruleTitle,
} from './titles';

/** The shipped rule pack the server loads (src/monitor/rule-files.ts `DEFAULT_RULES_DIR`). */
const RULES_DIR = new URL('../../../../src/monitor/rules/', import.meta.url);

function shippedRules(): { file: string; id: unknown; title: unknown }[] {
  return readdirSync(RULES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((file) => {
      const rule = parse(readFileSync(new URL(file, RULES_DIR), 'utf8')) as Record<string, unknown>;
      return { file, id: rule.id, title: rule.title };
    });
}

/** A `t` of one language's messages, as i18next resolves these keys (no plurals among them). */
function messagesOf(messages: typeof en | typeof ru | typeof kk) {
  return (key: string, values: Record<string, string> = {}) => {
    const text = key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
    if (typeof text !== 'string') throw new Error(`no message ${key}`);
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? `?${name}`);
  };
}

describe('the shipped rules’ titles in the console (locales ruleTitle)', () => {
  const rules = shippedRules();

  it('reads the shipped rule pack', () => {
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.map((rule) => rule.id)).toContain('honeytoken-touched');
  });

  it('has an English entry for every shipped rule, the same as its file’s title', () => {
    for (const { file, id, title } of rules) {
      expect(typeof id, `${file}: id`).toBe('string');
      expect(typeof title, `${file}: title`).toBe('string');
      expect(
        Object.hasOwn(en.ruleTitle, id as string),
        `${file}: rule "${String(id)}" has no entry in web/src/features/soc/locales/*.ts ruleTitle`,
      ).toBe(true);
      expect(
        (en.ruleTitle as Record<string, string>)[id as string],
        `${file}: locales/en.ts ruleTitle["${String(id)}"] is not the file's title`,
      ).toBe(title);
    }
  });

  it('has no entry for a rule the pack no longer ships', () => {
    expect(Object.keys(en.ruleTitle).sort()).toEqual(rules.map((rule) => rule.id).sort());
  });

  it('has every shipped rule’s title in Kazakh and Russian too', () => {
    for (const messages of [kk, ru])
      expect(Object.keys(messages.ruleTitle).sort()).toEqual(Object.keys(en.ruleTitle).sort());
  });
});

describe('ruleTitle', () => {
  const russian = messagesOf(ru);

  it('translates a shipped rule’s title while it is the shipped English one', () => {
    expect(ruleTitle(russian, 'deny-storm', 'Deny storm')).toBe(ru.ruleTitle['deny-storm']);
    expect(
      ruleTitle(messagesOf(kk), 'bulk-harvesting', 'Bulk harvesting (200 subjects an hour)'),
    ).toBe('Деректерді жаппай жинау (сағатына 200 субъект)');
    expect(ruleTitle(messagesOf(en), 'deny-storm', 'Deny storm')).toBe('Deny storm');
  });

  it('shows a title the regulator reworded as written', () => {
    expect(ruleTitle(russian, 'deny-storm', 'Шторм отказов (порог 30)')).toBe(
      'Шторм отказов (порог 30)',
    );
    expect(ruleTitle(russian, 'deny-storm', 'Deny storm ')).toBe('Deny storm ');
  });

  it('shows a rule the centre did not ship as written, even with a shipped rule’s title', () => {
    expect(ruleTitle(russian, 'my-own-rule', 'Deny storm')).toBe('Deny storm');
    expect(ruleTitle(russian, 'toString', 'Deny storm')).toBe('Deny storm');
    expect(ruleTitle(russian, '', '')).toBe('');
  });
});

describe('caseTitle', () => {
  const lender = {
    kk: '«Жылдам Қарыз» МҚҰ ЖШС',
    ru: 'ТОО МФО «Жылдам Карыз»',
    en: 'Zhyldam Karyz MFO LLP',
  };
  const actorCase = {
    actorId: 'loan-officer-14',
    operator: 'op_01M9',
    operatorName: lender,
    subject: null,
  };
  const t = (messages: typeof en | typeof ru | typeof kk) =>
    messagesOf(messages) as CaseTitleMessages;

  it('names an actor’s case by the actor and the operator’s name in the reader’s language', () => {
    expect(caseTitle(t(ru), actorCase, 'ru')).toBe(
      'Сотрудник loan-officer-14, оператор ТОО МФО «Жылдам Карыз»',
    );
    expect(caseTitle(t(kk), actorCase, 'kk')).toBe(
      'Қызметкер loan-officer-14, оператор «Жылдам Қарыз» МҚҰ ЖШС',
    );
    expect(caseTitle(t(en), actorCase, 'en')).toBe(
      'Actor loan-officer-14 of Zhyldam Karyz MFO LLP',
    );
    // A language the registry has no name in reads the English one.
    expect(caseTitle(t(en), actorCase, 'de')).toBe(
      'Actor loan-officer-14 of Zhyldam Karyz MFO LLP',
    );
  });

  it('falls back to the operator’s id when the registry has no name, and to the actor alone', () => {
    const unnamed = { ...actorCase, operatorName: undefined };
    expect(caseTitle(t(ru), unnamed, 'ru')).toBe('Сотрудник loan-officer-14, оператор op_01M9');
    expect(caseTitle(t(ru), { ...unnamed, operator: null }, 'ru')).toBe(
      'Сотрудник loan-officer-14',
    );
  });

  it('names a subject’s case by the subject’s pseudonym', () => {
    const subjectCase = { actorId: null, operator: 'op_01M9', subject: 'p_5Qx' };
    expect(caseTitle(t(kk), subjectCase, 'kk')).toBe('Субъект p_5Qx');
    expect(caseTitle(t(en), subjectCase, 'en')).toBe('Subject p_5Qx');
  });

  it('is just "Case" for a case with neither', () => {
    expect(caseTitle(t(ru), { actorId: null, operator: null, subject: null }, 'ru')).toBe('Дело');
  });
});

describe('incidentTitle', () => {
  const lender = {
    kk: '«Жылдам Қарыз» МҚҰ ЖШС',
    ru: 'ТОО МФО «Жылдам Карыз»',
    en: 'Zhyldam Karyz MFO LLP',
  };
  // The demo's incident as the server answers it: opened from the harvest's case with no title.
  const composed = {
    title: 'Personal data breach at Zhyldam Karyz MFO LLP (Online loan scoring)',
    titleComposed: true,
    operatorId: 'op_01M9',
    operatorName: lender,
    systemId: 'sys_01M9',
    systemName: 'Online loan scoring',
  };
  const t = (messages: typeof en | typeof ru | typeof kk) =>
    messagesOf(messages) as IncidentTitleMessages;

  it('words a title the server composed in the reader’s language, with the operator’s name in it', () => {
    expect(incidentTitle(t(ru), composed, 'ru')).toBe(
      'Утечка персональных данных: ТОО МФО «Жылдам Карыз» (Online loan scoring)',
    );
    expect(incidentTitle(t(kk), composed, 'kk')).toBe(
      'Дербес деректердің жылыстауы: «Жылдам Қарыз» МҚҰ ЖШС (Online loan scoring)',
    );
    // In English, the same words as the server's own.
    expect(incidentTitle(t(en), composed, 'en')).toBe(composed.title);
  });

  it('falls back to the operator’s and the system’s ids when the registry has no names', () => {
    const unnamed = { ...composed, operatorName: undefined, systemName: undefined };
    expect(incidentTitle(t(ru), unnamed, 'ru')).toBe(
      'Утечка персональных данных: op_01M9 (sys_01M9)',
    );
    expect(incidentTitle(t(kk), unnamed, 'kk')).toBe(
      'Дербес деректердің жылыстауы: op_01M9 (sys_01M9)',
    );
    // Without even the operator's id, the server's own title rather than half a sentence.
    expect(incidentTitle(t(ru), { ...unnamed, operatorId: undefined }, 'ru')).toBe(composed.title);
  });

  it('shows an analyst’s own title as written, in every language', () => {
    const typed = { ...composed, title: 'Borrower records offered for sale', titleComposed: false };
    for (const [messages, language] of [
      [ru, 'ru'],
      [kk, 'kk'],
      [en, 'en'],
    ] as const)
      expect(incidentTitle(t(messages), typed, language)).toBe('Borrower records offered for sale');
    // A server from before titleComposed: every title then was the caller's.
    const { titleComposed: _, ...older } = typed;
    expect(incidentTitle(t(ru), older, 'ru')).toBe('Borrower records offered for sale');
  });
});
