/**
 * The demo world's operators and their information systems — a ministry, a bank, a microfinance
 * lender, a clinic, a car maker and a school — each chosen to show one thing the registry decides: a
 * certified and an uncertified biometric system, a system abroad, one not yet connected to the
 * monitoring centre.
 */
import type { paths } from '@qalqan/client';
/** Bodies typed by the server's OpenAPI document (through the client): drift fails to compile. */
export interface DemoOperator {
  readonly key: string;
  readonly body: Body<'/v1/registry/operators'>;
  readonly systems: readonly DemoSystem[];
}

export interface DemoSystem {
  readonly key: string;
  /** The system, without the operator id the loader fills in. */
  readonly body: Omit<Body<'/v1/registry/systems'>, 'operatorId'>;
  readonly certificate?: Body<'/v1/registry/systems/{systemId}/certificates'>;
}

type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

const CERTIFIER = 'Национальный удостоверяющий центр / National certification centre';

export const DEMO_OPERATORS: readonly DemoOperator[] = [
  {
    key: 'ministry',
    body: {
      identifier: '990340000123',
      name: {
        kk: 'ҚР Цифрлық даму министрлігі',
        ru: 'Министерство цифрового развития РК',
        en: 'Ministry of Digital Development of Kazakhstan',
      },
      sector: 'state-body',
      contact: {
        name: 'Жанар Абдикадырова',
        position: 'Data protection officer',
        email: 'dpo@mdd.gov.kz',
        phone: '+7 7172 00 00 01',
      },
    },
    systems: [
      {
        key: 'egov-hub',
        body: {
          name: 'eGov subject data hub',
          description: 'Shares citizens\u2019 records between state bodies for public services',
          kind: 'ordinary',
          purposes: ['public.service-delivery', 'social.benefits'],
          categories: ['identity', 'contact', 'address', 'document', 'social', 'financial'],
          legalGrounds: [
            {
              basis: 'law',
              reference: 'Law 94-V «On personal data and its protection», Art. 9',
              purposes: ['public.service-delivery', 'social.benefits'],
              validUntil: null,
            },
          ],
          hosting: {
            country: 'KZ',
            dataCentre: 'QazTech national platform, Astana',
            onNationalPlatform: true,
          },
          connections: { accessControlSince: '2025-07-01', socSince: '2025-07-01' },
          trustStatus: 'listed',
        },
      },
      {
        key: 'smart-city-cameras',
        body: {
          name: 'Astana Smart City face recognition',
          description: 'Face recognition cameras at transport hubs',
          kind: 'biometric',
          purposes: ['security.access-control'],
          categories: ['identity', 'biometric', 'location'],
          hosting: {
            country: 'KZ',
            dataCentre: 'QazTech national platform, Astana',
            onNationalPlatform: true,
          },
          connections: { accessControlSince: '2026-02-01', socSince: '2026-02-01' },
          trustStatus: 'listed',
          biometric: {
            modalities: ['face'],
            locations: [
              'Astana, Nurly Zhol railway station',
              'Astana, international airport, terminal 1',
            ],
            vendor: 'Sergek Group',
            templateStorage: 'On-premise, national platform HSM-backed store',
          },
        },
        certificate: {
          number: 'BIO-2026-0142',
          issuer: CERTIFIER,
          scope: 'Face recognition in public transport hubs',
          validFrom: '2026-01-15',
          validUntil: '2027-06-30',
        },
      },
    ],
  },
  {
    key: 'bank',
    body: {
      identifier: '940240000389',
      name: { kk: '«Сенім Банк» АҚ', ru: 'АО «Сенім Банк»', en: 'Senim Bank JSC' },
      sector: 'bank',
      contact: {
        name: 'Асель Нурланова',
        position: 'Data protection officer',
        email: 'dpo@senimbank.kz',
        phone: '+7 727 355 00 00',
      },
    },
    systems: [
      {
        key: 'core-banking',
        body: {
          name: 'Core banking',
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
        },
      },
      {
        key: 'crm',
        body: {
          name: 'Customer marketing CRM',
          description: 'Offers by SMS and e-mail, only with the customer\u2019s consent',
          kind: 'ordinary',
          purposes: ['marketing'],
          categories: ['identity', 'contact'],
          hosting: { country: 'KZ', dataCentre: 'Almaty, Tier III', onNationalPlatform: false },
          connections: { accessControlSince: '2026-03-01', socSince: null },
          trustStatus: 'listed',
        },
      },
      {
        key: 'selfie-check',
        body: {
          name: 'Remote onboarding selfie check',
          description: 'Liveness and face match against the ID photo',
          kind: 'biometric',
          purposes: ['finance.kyc'],
          categories: ['identity', 'document', 'biometric'],
          hosting: { country: 'KZ', dataCentre: 'Almaty, Tier III', onNationalPlatform: false },
          connections: { accessControlSince: '2026-03-01', socSince: null },
          trustStatus: 'pending',
          biometric: {
            modalities: ['face'],
            locations: ['Mobile app'],
            vendor: 'Veridas',
            templateStorage: 'Bank data centre, encrypted',
          },
        },
        // Expired at the end of 2025: the demo's example of a biometric system that is not certified.
        certificate: {
          number: 'BIO-2024-0077',
          issuer: CERTIFIER,
          scope: 'Remote biometric identification',
          validFrom: '2024-01-01',
          validUntil: '2025-12-31',
        },
      },
    ],
  },
  {
    key: 'mfo',
    body: {
      identifier: '150740022114',
      name: {
        kk: '«Жылдам Қарыз» МҚҰ ЖШС',
        ru: 'ТОО МФО «Жылдам Карыз»',
        en: 'Zhyldam Karyz MFO LLP',
      },
      sector: 'microfinance',
      contact: {
        name: 'Ринат Ахметов',
        position: 'Compliance officer',
        email: 'compliance@zhyldam.kz',
        phone: '+7 701 200 30 40',
      },
    },
    systems: [
      {
        key: 'loan-scoring',
        body: {
          name: 'Online loan scoring',
          description: 'Scores applications from the credit bureau and the applicant\u2019s data',
          kind: 'ordinary',
          purposes: ['finance.credit-scoring', 'finance.loan-servicing'],
          categories: ['identity', 'contact', 'financial', 'employment'],
          hosting: { country: 'KZ', dataCentre: 'Karaganda cloud', onNationalPlatform: false },
          connections: { accessControlSince: '2026-05-20', socSince: null },
          trustStatus: 'pending',
        },
      },
    ],
  },
  {
    key: 'clinic',
    body: {
      identifier: '081140033026',
      name: {
        kk: '№5 қалалық емхана',
        ru: 'Городская поликлиника №5',
        en: 'City polyclinic No. 5',
      },
      sector: 'health',
      contact: {
        name: 'Гульмира Сатпаева',
        position: 'Deputy chief physician',
        email: 'info@gp5.kz',
        phone: '+7 7172 50 50 50',
      },
    },
    systems: [
      {
        key: 'ehr',
        body: {
          name: 'Electronic health record',
          description: 'Patient records, sick-leave certificates',
          kind: 'ordinary',
          purposes: ['health.treatment', 'health.sick-leave'],
          categories: ['identity', 'contact', 'document', 'health', 'employment'],
          legalGrounds: [
            {
              basis: 'law',
              reference: 'Code «On public health», Art. 60',
              purposes: ['health.sick-leave'],
              validUntil: null,
            },
          ],
          hosting: {
            country: 'KZ',
            dataCentre: 'QazTech national platform, Astana',
            onNationalPlatform: true,
          },
          connections: { accessControlSince: '2026-01-10', socSince: '2026-04-01' },
          trustStatus: 'listed',
        },
      },
    ],
  },
  {
    key: 'car-maker',
    body: {
      identifier: '190951000772',
      name: {
        kk: 'Autowerk GmbH Қазақстандағы филиалы',
        ru: 'Филиал Autowerk GmbH в Казахстане',
        en: 'Autowerk GmbH Kazakhstan branch',
      },
      sector: 'transport',
      contact: {
        name: 'Jonas Weber',
        position: 'Privacy lead',
        email: 'privacy.kz@autowerk.example',
        phone: '+49 89 0000 0000',
      },
    },
    systems: [
      {
        key: 'telematics',
        body: {
          name: 'Connected car telematics',
          description:
            'Location, cameras and driving data sent from cars to the maker\u2019s cloud',
          kind: 'telematics',
          purposes: ['transport.telematics-service', 'transport.insurance'],
          categories: ['identity', 'location', 'telematics', 'online'],
          hosting: { country: 'DE', dataCentre: 'Frankfurt am Main', onNationalPlatform: false },
          connections: { accessControlSince: null, socSince: null },
          trustStatus: 'refused',
        },
      },
    ],
  },
  {
    key: 'school',
    body: {
      identifier: '070540000109',
      name: {
        kk: 'Астана қаласының №54 мектеп-лицейі',
        ru: 'Школа-лицей №54 города Астаны',
        en: 'School-lyceum No. 54, Astana',
      },
      sector: 'education',
      contact: {
        name: 'Сәуле Мұратқызы',
        position: 'Deputy director',
        email: 'info@school54.edu.kz',
        phone: '+7 7172 54 54 54',
      },
    },
    systems: [
      {
        key: 'school-records',
        body: {
          name: 'School records and staff files',
          description:
            'Pupils\u2019 enrolment and staff documents, asked for through Qalqan instead of a messenger',
          kind: 'ordinary',
          purposes: ['education.enrolment', 'employment.hr'],
          categories: ['identity', 'contact', 'address', 'document', 'education', 'employment'],
          hosting: { country: 'KZ', dataCentre: 'Astana akimat cloud', onNationalPlatform: true },
          connections: { accessControlSince: '2026-09-01', socSince: null },
          trustStatus: 'listed',
        },
      },
    ],
  },
];
