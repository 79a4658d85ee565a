/**
 * The taxonomy every decision refers to: data categories, legal bases, purposes and countries
 * (DOMAIN.md §3). These are the shipped defaults; the regulator edits them as data, so nothing
 * else may hard-code a purpose or a category — look them up through a `TaxonomyIndex`.
 */
import { DomainError } from './errors.js';

export interface Labels {
  readonly kk: string;
  readonly ru: string;
  readonly en: string;
}

export type CategoryCode =
  | 'identity'
  | 'contact'
  | 'document'
  | 'address'
  | 'financial'
  | 'health'
  | 'biometric'
  | 'genetic'
  | 'location'
  | 'telematics'
  | 'education'
  | 'employment'
  | 'social'
  | 'criminal'
  | 'online';

export type LegalBasisCode =
  | 'consent'
  | 'law'
  | 'contract'
  | 'vital-interest'
  | 'court-order'
  | 'public-task'
  | 'statistics-depersonalised'
  | 'regime';

export interface DataCategory {
  readonly code: CategoryCode;
  /** Special categories (health, biometric, genetic, criminal) need the strongest basis. */
  readonly special: boolean;
  /** Never leaves the country without explicit consent naming the destination (DOMAIN.md §5.5). */
  readonly staysInCountry: boolean;
  readonly labels: Labels;
}

export interface LegalBasis {
  readonly code: LegalBasisCode;
  /** A claim on this basis must cite something: the legal act, the court order, the regime. */
  readonly requiresReference: boolean;
  readonly labels: Labels;
}

export interface Purpose {
  /** Hierarchical code, `domain.activity` (e.g. `finance.credit-scoring`). */
  readonly code: string;
  readonly categories: readonly CategoryCode[];
  readonly legalBases: readonly LegalBasisCode[];
  readonly labels: Labels;
}

export interface Taxonomy {
  readonly categories: readonly DataCategory[];
  readonly legalBases: readonly LegalBasis[];
  readonly purposes: readonly Purpose[];
  /** ISO 3166-1 alpha-2 codes of countries whose protection the regulator deems adequate. */
  readonly adequateCountries: readonly string[];
}

const category = (
  code: CategoryCode,
  en: string,
  ru: string,
  kk: string,
  special = false,
  staysInCountry = false,
): DataCategory => ({
  code,
  special,
  staysInCountry: staysInCountry || special,
  labels: { kk, ru, en },
});

const basis = (
  code: LegalBasisCode,
  en: string,
  ru: string,
  kk: string,
  requiresReference = false,
): LegalBasis => ({
  code,
  requiresReference,
  labels: { kk, ru, en },
});

const purpose = (
  code: string,
  categories: readonly CategoryCode[],
  legalBases: readonly LegalBasisCode[],
  en: string,
  ru: string,
  kk: string,
): Purpose => ({ code, categories, legalBases, labels: { kk, ru, en } });

export const DEFAULT_TAXONOMY: Taxonomy = {
  categories: [
    category(
      'identity',
      'Identity (IIN, name, birth date)',
      'Идентификационные данные (ИИН, ФИО, дата рождения)',
      'Сәйкестендіру деректері (ЖСН, аты-жөні, туған күні)',
    ),
    category('contact', 'Contact details', 'Контактные данные', 'Байланыс деректері'),
    category(
      'document',
      'Identity documents (ID card, passport)',
      'Документы (удостоверение, паспорт)',
      'Құжаттар (жеке куәлік, төлқұжат)',
    ),
    category('address', 'Address', 'Адрес', 'Мекенжай'),
    category('financial', 'Financial data', 'Финансовые данные', 'Қаржылық деректер'),
    category('health', 'Health data', 'Сведения о здоровье', 'Денсаулық туралы мәліметтер', true),
    category(
      'biometric',
      'Biometric data (face, fingerprint, voice, iris)',
      'Биометрические данные (лицо, отпечатки, голос, радужка)',
      'Биометриялық деректер (бет, саусақ ізі, дауыс, көз қабығы)',
      true,
    ),
    category('genetic', 'Genetic data', 'Генетические данные', 'Генетикалық деректер', true),
    category(
      'location',
      'Geolocation and routes',
      'Геолокация и маршруты',
      'Геолокация және бағыттар',
      false,
      true,
    ),
    category(
      'telematics',
      'Vehicle telematics (cameras, microphones, driving)',
      'Телематика автомобиля (камеры, микрофоны, вождение)',
      'Көлік телематикасы (камералар, микрофондар, жүргізу)',
      false,
      true,
    ),
    category('education', 'Education', 'Образование', 'Білім'),
    category('employment', 'Employment', 'Трудовая деятельность', 'Еңбек қызметі'),
    category(
      'social',
      'Social (benefits, family)',
      'Социальные сведения (пособия, семья)',
      'Әлеуметтік мәліметтер (жәрдемақы, отбасы)',
    ),
    category(
      'criminal',
      'Criminal records',
      'Сведения о судимости',
      'Соттылығы туралы мәліметтер',
      true,
    ),
    category(
      'online',
      'Online identifiers (IP, device)',
      'Онлайн-идентификаторы (IP, устройство)',
      'Онлайн сәйкестендіргіштер (IP, құрылғы)',
    ),
  ],
  legalBases: [
    basis('consent', 'Consent of the data subject', 'Согласие субъекта', 'Субъектінің келісімі'),
    basis('law', 'Required by a named law', 'Требование закона', 'Заң талабы', true),
    basis('contract', 'Performance of a contract', 'Исполнение договора', 'Шартты орындау'),
    basis(
      'vital-interest',
      'Protection of life or health',
      'Защита жизни и здоровья',
      'Өмір мен денсаулықты қорғау',
    ),
    basis('court-order', 'Court order', 'Решение суда', 'Сот шешімі', true),
    basis('public-task', 'State function', 'Государственная функция', 'Мемлекеттік функция', true),
    basis(
      'statistics-depersonalised',
      'Statistics on depersonalised data',
      'Статистика на обезличенных данных',
      'Иесіздендірілген деректер бойынша статистика',
    ),
    basis(
      'regime',
      'Experimental legal regime',
      'Экспериментальный правовой режим',
      'Эксперименттік құқықтық режим',
      true,
    ),
  ],
  purposes: [
    purpose(
      'health.treatment',
      ['identity', 'contact', 'document', 'address', 'health', 'genetic'],
      ['consent', 'law', 'vital-interest', 'contract'],
      'Medical treatment',
      'Лечение',
      'Емдеу',
    ),
    purpose(
      'health.sick-leave',
      ['identity', 'health', 'employment'],
      ['law', 'consent'],
      'Sick-leave certificates',
      'Листы временной нетрудоспособности',
      'Еңбекке уақытша жарамсыздық парақтары',
    ),
    purpose(
      'health.prevention',
      ['identity', 'contact', 'address', 'health'],
      ['law', 'consent'],
      'Screening and vaccination',
      'Профилактика и вакцинация',
      'Профилактика және вакцинация',
    ),
    purpose(
      'finance.kyc',
      ['identity', 'document', 'contact', 'address', 'biometric'],
      ['law', 'consent'],
      'Customer identification (KYC)',
      'Идентификация клиента',
      'Клиентті сәйкестендіру',
    ),
    purpose(
      'finance.credit-scoring',
      ['identity', 'contact', 'document', 'financial', 'employment', 'social'],
      ['consent'],
      'Credit scoring',
      'Кредитный скоринг',
      'Кредиттік скоринг',
    ),
    purpose(
      'finance.loan-servicing',
      ['identity', 'contact', 'address', 'financial'],
      ['contract', 'consent'],
      'Loan servicing and collection',
      'Обслуживание займа',
      'Қарызға қызмет көрсету',
    ),
    purpose(
      'finance.payments',
      ['identity', 'financial'],
      ['contract', 'law'],
      'Payments',
      'Платежи',
      'Төлемдер',
    ),
    purpose(
      'education.enrolment',
      ['identity', 'contact', 'address', 'document', 'education', 'health', 'social'],
      ['law', 'consent'],
      'School and university enrolment',
      'Зачисление в учебное заведение',
      'Оқу орнына қабылдау',
    ),
    purpose(
      'education.records',
      ['identity', 'education'],
      ['law'],
      'Academic records',
      'Учёт успеваемости',
      'Оқу үлгерімін есепке алу',
    ),
    purpose(
      'employment.hr',
      [
        'identity',
        'contact',
        'address',
        'document',
        'employment',
        'financial',
        'education',
        'health',
      ],
      ['contract', 'law', 'consent'],
      'Employment and HR',
      'Трудовые отношения',
      'Еңбек қатынастары',
    ),
    purpose(
      'social.benefits',
      ['identity', 'address', 'social', 'financial', 'health', 'employment'],
      ['law', 'public-task'],
      'Social benefits',
      'Социальные выплаты',
      'Әлеуметтік төлемдер',
    ),
    purpose(
      'public.service-delivery',
      ['identity', 'contact', 'address', 'document', 'social', 'education', 'employment'],
      ['law', 'public-task', 'consent'],
      'Public services',
      'Государственные услуги',
      'Мемлекеттік қызметтер',
    ),
    purpose(
      'transport.vehicle-registration',
      ['identity', 'document', 'address'],
      ['law'],
      'Vehicle registration',
      'Регистрация транспорта',
      'Көлікті тіркеу',
    ),
    purpose(
      'transport.insurance',
      ['identity', 'contact', 'document', 'financial', 'location', 'telematics'],
      ['contract', 'consent', 'law'],
      'Vehicle insurance',
      'Автострахование',
      'Көлікті сақтандыру',
    ),
    purpose(
      'transport.telematics-service',
      ['identity', 'location', 'telematics', 'online'],
      ['consent', 'contract'],
      'Connected-car services',
      'Телематические сервисы автомобиля',
      'Автомобильдің телематикалық сервистері',
    ),
    purpose(
      'telecom.service',
      ['identity', 'contact', 'document', 'location', 'online'],
      ['contract', 'law'],
      'Telecommunication services',
      'Услуги связи',
      'Байланыс қызметтері',
    ),
    purpose(
      'security.access-control',
      ['identity', 'biometric', 'location'],
      ['consent', 'law'],
      'Physical access control',
      'Контроль физического доступа',
      'Физикалық қолжетімділікті бақылау',
    ),
    purpose(
      'law-enforcement.investigation',
      [
        'identity',
        'contact',
        'document',
        'address',
        'financial',
        'location',
        'telematics',
        'online',
        'criminal',
        'biometric',
      ],
      ['court-order', 'law'],
      'Criminal investigation',
      'Расследование',
      'Тергеу',
    ),
    purpose(
      'research.statistics',
      ['health', 'social', 'education', 'employment', 'financial'],
      ['statistics-depersonalised', 'consent'],
      'Research and statistics',
      'Исследования и статистика',
      'Зерттеу және статистика',
    ),
    purpose(
      'ai.model-training',
      ['identity', 'health', 'biometric', 'online', 'financial', 'location'],
      ['consent', 'regime'],
      'AI model training',
      'Обучение моделей ИИ',
      'ЖИ модельдерін оқыту',
    ),
    purpose(
      'marketing',
      ['identity', 'contact', 'online'],
      ['consent'],
      'Marketing',
      'Маркетинг',
      'Маркетинг',
    ),
  ],
  // Parties to Council of Europe Convention 108 (Law 94-V Art. 16 refers to states that ensure
  // protection). To confirm against the regulator's current list: it is data, not code.
  adequateCountries: [
    'AD',
    'AL',
    'AM',
    'AT',
    'AZ',
    'BA',
    'BE',
    'BG',
    'CH',
    'CY',
    'CZ',
    'DE',
    'DK',
    'EE',
    'ES',
    'FI',
    'FR',
    'GB',
    'GE',
    'GR',
    'HR',
    'HU',
    'IE',
    'IS',
    'IT',
    'LI',
    'LT',
    'LU',
    'LV',
    'MC',
    'MD',
    'ME',
    'MK',
    'MT',
    'NL',
    'NO',
    'PL',
    'PT',
    'RO',
    'RS',
    'SE',
    'SI',
    'SK',
    'SM',
    'TR',
    'UA',
    'AR',
    'BF',
    'CV',
    'MA',
    'MU',
    'MX',
    'SN',
    'TN',
    'UY',
  ],
};

/** ISO 3166-1 alpha-2, all 249 assigned codes. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** The country's name in a UI language, from the runtime's ICU data. */
export function countryName(code: string, language: keyof Labels): string {
  return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
}

/** Fast lookups over a taxonomy, and the validators that turn unknown codes into 400s. */
export interface TaxonomyIndex {
  readonly taxonomy: Taxonomy;
  category(code: string): DataCategory | undefined;
  purpose(code: string): Purpose | undefined;
  legalBasis(code: string): LegalBasis | undefined;
  isAdequate(country: string): boolean;
  /** @throws DomainError `core.unknown_category` naming the field and the unknown code. */
  requireCategories(codes: readonly string[], field: string): CategoryCode[];
  requirePurposes(codes: readonly string[], field: string): string[];
  requireLegalBasis(code: string, field: string): LegalBasisCode;
  requireCountry(code: string, field: string): string;
}

export function indexTaxonomy(taxonomy: Taxonomy = DEFAULT_TAXONOMY): TaxonomyIndex {
  const categories = new Map(taxonomy.categories.map((c) => [c.code as string, c]));
  const purposes = new Map(taxonomy.purposes.map((p) => [p.code, p]));
  const bases = new Map(taxonomy.legalBases.map((b) => [b.code as string, b]));
  const adequate = new Set(taxonomy.adequateCountries);
  const unknown = (codes: readonly string[], known: ReadonlyMap<string, unknown>) =>
    codes.filter((code) => !known.has(code));

  return {
    taxonomy,
    category: (code) => categories.get(code),
    purpose: (code) => purposes.get(code),
    legalBasis: (code) => bases.get(code),
    isAdequate: (country) => adequate.has(country),
    requireCategories(codes, field) {
      const missing = unknown(codes, categories);
      if (missing.length > 0) {
        throw new DomainError(
          'core.unknown_category',
          `${field}: unknown data categor${missing.length > 1 ? 'ies' : 'y'} ${missing.map((c) => `'${c}'`).join(', ')}`,
          {
            field,
            unknown: missing,
          },
        );
      }
      return codes as CategoryCode[];
    },
    requirePurposes(codes, field) {
      const missing = unknown(codes, purposes);
      if (missing.length > 0) {
        throw new DomainError(
          'core.unknown_purpose',
          `${field}: unknown purpose${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}`,
          {
            field,
            unknown: missing,
          },
        );
      }
      return [...codes];
    },
    requireLegalBasis(code, field) {
      if (!bases.has(code))
        throw new DomainError(
          'core.unknown_legal_basis',
          `${field}: unknown legal basis '${code}'`,
          { field },
        );
      return code as LegalBasisCode;
    },
    requireCountry(code, field) {
      if (!ISO_COUNTRIES.has(code)) {
        throw new DomainError(
          'core.unknown_country',
          `${field}: '${code}' is not an ISO 3166-1 alpha-2 country code`,
          { field },
        );
      }
      return code;
    },
  };
}
