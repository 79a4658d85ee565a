/**
 * The access decision's reason catalogue: every code `decide()` returns, with the sentence a
 * citizen, an operator's developer and the regulator read, in kk / ru / en. Sentences name the
 * categories and countries concerned in the reader's language; the codes never change.
 */
import type { Labels, TaxonomyIndex } from '../core/taxonomy.js';
import type {
  AccessReason,
  AccessReasonCode,
  ConsentMissCode,
  ReasonDetail,
} from './access.model.js';

type Language = keyof Labels;
const LANGUAGES: readonly Language[] = ['kk', 'ru', 'en'];

/** A sentence in three languages, with the particulars (category and country names) filled in. */
type Sentence = (names: { categories: string; country: string; until: string }) => string;
type Catalogue = Readonly<Record<AccessReasonCode, Readonly<Record<Language, Sentence>>>>;

const fixed = (kk: string, ru: string, en: string): Readonly<Record<Language, Sentence>> => ({
  kk: () => kk,
  ru: () => ru,
  en: () => en,
});

const CATALOGUE: Catalogue = {
  'permit.consent': fixed(
    'Рұқсат етілді: субъектінің келісімі бар.',
    'Разрешено: есть согласие субъекта.',
    "Permitted: the subject's consent covers this access.",
  ),
  'permit.law': fixed(
    'Рұқсат етілді: жүйе үшін тіркелген заң талабы бойынша.',
    'Разрешено: по требованию закона, зарегистрированному для системы.',
    'Permitted: required by a law registered for this system.',
  ),
  'permit.court-order': fixed(
    'Рұқсат етілді: сот шешімі бойынша.',
    'Разрешено: по решению суда.',
    'Permitted: under a court order registered for this system.',
  ),
  'permit.public-task': fixed(
    'Рұқсат етілді: мемлекеттік функцияны орындау үшін.',
    'Разрешено: для исполнения государственной функции.',
    'Permitted: to perform a state function registered for this system.',
  ),
  'permit.contract': fixed(
    'Рұқсат етілді: шартты орындау үшін.',
    'Разрешено: для исполнения договора.',
    'Permitted: to perform a contract registered for this system.',
  ),
  'permit.vital-interest': fixed(
    'Рұқсат етілді: өмір мен денсаулықты қорғау үшін; мониторинг орталығына хабарланды.',
    'Разрешено: для защиты жизни и здоровья; центр мониторинга уведомлён.',
    'Permitted: to protect life or health; the monitoring centre is notified.',
  ),
  'permit.regime': fixed(
    'Рұқсат етілді: эксперименттік құқықтық режим аясында.',
    'Разрешено: в рамках экспериментального правового режима.',
    'Permitted: under an experimental legal regime in force.',
  ),
  'standing.refused': fixed(
    'Жүйе тізілім бойынша деректерге қол жеткізе алмайды.',
    'Система по данным реестра не может обращаться к данным.',
    'The registry does not allow this system to access data.',
  ),
  'purpose.unknown': fixed(
    'Мұндай өңдеу мақсаты жоқ.',
    'Такой цели обработки нет.',
    'There is no such processing purpose.',
  ),
  'purpose.not_declared': fixed(
    'Жүйе бұл мақсатты тізілімде жарияламаған.',
    'Система не заявила эту цель в реестре.',
    'The system has not declared this purpose in the registry.',
  ),
  'category.unknown': {
    kk: (n) => `Мұндай деректер санаты жоқ: ${n.categories}.`,
    ru: (n) => `Таких категорий данных нет: ${n.categories}.`,
    en: (n) => `There is no such data category: ${n.categories}.`,
  },
  'category.not_allowed_for_purpose': {
    kk: (n) => `Бұл мақсат үшін мына деректерге рұқсат жоқ: ${n.categories}.`,
    ru: (n) => `Для этой цели не допускаются данные: ${n.categories}.`,
    en: (n) => `This purpose may not use: ${n.categories}.`,
  },
  'category.not_declared': {
    kk: (n) => `Жүйе тізілімде мына деректерді жарияламаған: ${n.categories}.`,
    ru: (n) => `Система не заявила в реестре данные: ${n.categories}.`,
    en: (n) => `The system has not declared in the registry: ${n.categories}.`,
  },
  'category.none': fixed(
    'Деректер санаты көрсетілмеген.',
    'Не указана ни одна категория данных.',
    'No data category is named.',
  ),
  'basis.unknown': fixed(
    'Мұндай құқықтық негіз жоқ.',
    'Такого правового основания нет.',
    'There is no such legal basis.',
  ),
  'basis.not_allowed_for_purpose': fixed(
    'Бұл мақсат үшін бұл құқықтық негізге сүйенуге болмайды.',
    'Для этой цели нельзя ссылаться на это правовое основание.',
    'This purpose may not rest on this legal basis.',
  ),
  'basis.reference_required': fixed(
    'Құқықтық негізге сілтеме көрсетілмеген (заң актісі немесе сот шешімінің нөмірі).',
    'Не указана ссылка на основание (правовой акт или номер решения суда).',
    'The basis needs a reference (the legal act, or the court order number).',
  ),
  'consent.none': fixed(
    'Субъект бұл жүйеге келісім бермеген.',
    'Субъект не давал согласия этой системе.',
    'The subject has given this system no consent.',
  ),
  'consent.not-given': fixed(
    'Келісім сұралған, бірақ берілмеген.',
    'Согласие запрошено, но не дано.',
    'Consent was requested but not given.',
  ),
  'consent.expired': fixed(
    'Келісімнің мерзімі өтті.',
    'Срок согласия истёк.',
    'The consent has expired.',
  ),
  'consent.withdrawn': fixed(
    'Субъект келісімді кері қайтарып алды.',
    'Субъект отозвал согласие.',
    'The subject has withdrawn the consent.',
  ),
  'consent.paused': fixed(
    'Субъект келісімді тоқтата тұрды.',
    'Субъект приостановил согласие.',
    'The subject has paused the consent.',
  ),
  'consent.purpose-not-covered': fixed(
    'Бұл мақсатты ешбір келісім қамтымайды.',
    'Ни одно согласие не охватывает эту цель.',
    'No consent covers this purpose.',
  ),
  'consent.category-not-covered': {
    kk: (n) => `Келісім мына деректерді қамтымайды: ${n.categories}.`,
    ru: (n) => `Согласие не охватывает данные: ${n.categories}.`,
    en: (n) => `The consent does not cover: ${n.categories}.`,
  },
  'consent.recipient-not-named': fixed(
    'Келісімде бұл алушы көрсетілмеген.',
    'В согласии не указан этот получатель.',
    'The consent does not name this recipient.',
  ),
  'consent.country-not-named': {
    kk: (n) => `Келісімде бұл алушы осы елде көрсетілмеген: ${n.country}.`,
    ru: (n) => `В согласии этот получатель не указан в этой стране: ${n.country}.`,
    en: (n) => `The consent does not name this recipient in ${n.country}.`,
  },
  'ground.none': fixed(
    'Жүйе үшін бұл мақсатқа осындай құқықтық негіз тіркелмеген.',
    'Для системы не зарегистрировано такое основание для этой цели.',
    'No ground of this kind is registered for this system and purpose.',
  ),
  'ground.not_in_force': fixed(
    'Жүйенің осы мақсатқа тіркелген негізі қазір күшінде емес.',
    'Зарегистрированное основание системы для этой цели сейчас не действует.',
    'The ground registered for this system and purpose is not in force now.',
  ),
  'vital-interest.not_health': fixed(
    'Өмір мен денсаулықты қорғау негізі тек денсаулық сақтау мақсаттарына қолданылады.',
    'Основание «защита жизни и здоровья» применимо только к медицинским целям.',
    'Protection of life or health applies to health purposes only.',
  ),
  'statistics.identified_subject': fixed(
    'Иесіздендірілген статистика негізі нақты адамның деректеріне қол жеткізуге мүмкіндік бермейді.',
    'Основание «статистика на обезличенных данных» не даёт доступа к данным конкретного человека.',
    'Statistics on depersonalised data never allow access to an identified person.',
  ),
  'regime.none': fixed(
    'Бұл жүйе үшін күшіндегі эксперименттік құқықтық режим жоқ.',
    'Для этой системы нет действующего экспериментального правового режима.',
    'No experimental legal regime in force names this system.',
  ),
  'regime.purpose_not_covered': fixed(
    'Күшіндегі режим бұл мақсатты қамтымайды.',
    'Действующий режим не охватывает эту цель.',
    'No regime in force for this system names this purpose.',
  ),
  'regime.category_not_covered': {
    kk: (n) => `Күшіндегі режим мына деректерді қамтымайды: ${n.categories}.`,
    ru: (n) => `Действующий режим не охватывает данные: ${n.categories}.`,
    en: (n) => `The regime in force does not name: ${n.categories}.`,
  },
  'transfer.recipient_missing': fixed(
    'Беруде алушы көрсетілмеген.',
    'Для передачи не указан получатель.',
    'A transfer must name its recipient.',
  ),
  'transfer.country_missing': fixed(
    'Беруде алушының елі көрсетілмеген.',
    'Для передачи не указана страна получателя.',
    "A transfer must name the recipient's country.",
  ),
  'transfer.not_covered': {
    kk: (n) => `Негіз бұл алушыға осы елге беруді қамтымайды: ${n.country}.`,
    ru: (n) => `Основание не охватывает передачу этому получателю в эту страну: ${n.country}.`,
    en: (n) => `The basis does not cover a transfer to this recipient in ${n.country}.`,
  },
  'transfer.category_stays_in_country': {
    kk: (n) =>
      `Мына деректер алушы мен елді атайтын келісімсіз Қазақстаннан шықпайды: ${n.categories}.`,
    ru: (n) =>
      `Эти данные не покидают Казахстан без согласия, называющего получателя и страну: ${n.categories}.`,
    en: (n) =>
      `These data never leave Kazakhstan without consent naming the recipient and country: ${n.categories}.`,
  },
  'transfer.country_not_adequate': {
    kk: (n) => `${n.country} деректерді жеткілікті қорғамайды: беруге субъектінің келісімі қажет.`,
    ru: (n) =>
      `${n.country} не обеспечивает достаточной защиты данных: для передачи нужно согласие субъекта.`,
    en: (n) =>
      `${n.country} is not on the list of adequate protection: a transfer there needs the subject's consent.`,
  },
  'subject.restricted': fixed(
    'Субъект осы оператордың өз деректерін өңдеуін шектеді.',
    'Субъект ограничил обработку своих данных этим оператором.',
    'The subject has restricted processing of their data by this operator.',
  ),
  'response.actor_blocked': {
    kk: (n) => `Бұл қызметкерге мониторинг орталығы қол жеткізуді бұғаттады ${n.until}.`,
    ru: (n) => `Центр мониторинга заблокировал доступ этому сотруднику ${n.until}.`,
    en: (n) => `The monitoring centre has blocked this actor's access ${n.until}.`,
  },
  'response.actor_throttled': {
    kk: (n) =>
      `Бұл қызметкердің сұраулар лимиті таусылды (мониторинг орталығының шешімі) ${n.until}.`,
    ru: (n) => `Исчерпан лимит обращений этого сотрудника (решение центра мониторинга) ${n.until}.`,
    en: (n) => `This actor is over the rate set by the monitoring centre ${n.until}.`,
  },
  'response.system_blocked': {
    kk: (n) => `Мониторинг орталығы бұл жүйенің қол жеткізуін бұғаттады ${n.until}.`,
    ru: (n) => `Центр мониторинга заблокировал доступ этой системы ${n.until}.`,
    en: (n) => `The monitoring centre has blocked this system's access ${n.until}.`,
  },
  'response.transfers_blocked': {
    kk: (n) => `Мониторинг орталығы елге беруді бұғаттады: ${n.country} ${n.until}.`,
    ru: (n) => `Центр мониторинга заблокировал передачу в страну: ${n.country} ${n.until}.`,
    en: (n) => `The monitoring centre has blocked transfers to ${n.country} ${n.until}.`,
  },
};

const UNTIL: Readonly<Record<Language, (until: string | null) => string>> = {
  kk: (until) => (until === null ? '(алынғанға дейін)' : `(${until} дейін)`),
  ru: (until) => (until === null ? '(до снятия)' : `(до ${until})`),
  en: (until) => (until === null ? '(until lifted)' : `(until ${until})`),
};

const displayNames = new Map<Language, Intl.DisplayNames>();
function countryLabel(code: string, language: Language): string {
  let names = displayNames.get(language);
  if (!names) {
    names = new Intl.DisplayNames([language], { type: 'region' });
    displayNames.set(language, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Reasons without particulars are built once: a permit allocates nothing. */
const PLAIN = new Map<AccessReasonCode, AccessReason>();
/**
 * Sentences with particulars, by code and the particulars they name (not the ids, which the
 * sentence does not show): denials repeat, and rendering names in three languages costs more
 * than the decision. Per taxonomy (the regulator edits labels), bounded: cleared when full.
 */
const RENDERED = new WeakMap<TaxonomyIndex, Map<string, Labels>>();
const RENDERED_MAX = 4096;

/** The reason for `code`, its sentences naming the categories / country in `detail`. */
export function reasonFor(
  code: AccessReasonCode,
  taxonomy: TaxonomyIndex,
  detail?: ReasonDetail,
): AccessReason {
  if (detail === undefined) {
    let plain = PLAIN.get(code);
    if (!plain) {
      plain = { code, message: render(code, taxonomy, undefined) };
      PLAIN.set(code, plain);
    }
    return plain;
  }
  const key = `${code}\u0000${detail.categories?.join(',') ?? ''}\u0000${detail.country ?? ''}\u0000${
    'until' in detail ? String(detail.until) : '-'
  }`;
  let rendered = RENDERED.get(taxonomy);
  if (!rendered) {
    rendered = new Map();
    RENDERED.set(taxonomy, rendered);
  }
  let message = rendered.get(key);
  if (!message) {
    message = render(code, taxonomy, detail);
    if (rendered.size >= RENDERED_MAX) rendered.clear();
    rendered.set(key, message);
  }
  return { code, message, detail };
}

function render(code: AccessReasonCode, taxonomy: TaxonomyIndex, detail?: ReasonDetail): Labels {
  const sentences = CATALOGUE[code];
  const message = {} as Record<Language, string>;
  for (const language of LANGUAGES) {
    const categories = (detail?.categories ?? [])
      .map((c) => taxonomy.category(c)?.labels[language] ?? c)
      .join('; ');
    const country = detail?.country ? countryLabel(detail.country, language) : '';
    const until = detail && 'until' in detail ? UNTIL[language](detail.until ?? null) : '';
    message[language] = sentences[language]({ categories, country, until }).replace(/ \.$/, '.');
  }
  return message;
}

/** The consent port's miss, as an access reason code. */
export const consentReasonCode = (miss: ConsentMissCode): AccessReasonCode =>
  `consent.${miss}` as const;

/** Every code in the catalogue (for tests and the documentation). */
export const REASON_CODES = Object.keys(CATALOGUE) as AccessReasonCode[];
