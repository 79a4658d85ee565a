import type { PiiType } from '../types.js';

/** Human names of the types, for tables and SARIF rules. */
export const TYPE_LABELS: Readonly<Record<PiiType, { name: string; description: string }>> = {
  iin: {
    name: 'IIN',
    description: 'Kazakhstan individual identification number (ИИН / ЖСН), check digit valid',
  },
  bin: {
    name: 'BIN',
    description: 'Kazakhstan business identification number (БИН / БСН), check digit valid',
  },
  phone: { name: 'Phone', description: 'Kazakhstan mobile phone number' },
  iban: { name: 'IBAN', description: 'International bank account number, mod-97 valid' },
  card: {
    name: 'Bank card',
    description: 'Payment card number, Luhn valid with a known issuer range',
  },
  'id-card': {
    name: 'ID card',
    description: 'Kazakhstan identity card number (named by a context word)',
  },
  passport: {
    name: 'Passport',
    description: 'Kazakhstan passport number (named by a context word)',
  },
  mrz: {
    name: 'MRZ',
    description: 'ICAO 9303 machine-readable zone of a passport or ID card, check digits valid',
  },
  plate: { name: 'Car plate', description: 'Kazakhstan vehicle registration plate' },
  vin: { name: 'VIN', description: 'Vehicle identification number' },
  email: { name: 'E-mail', description: 'E-mail address' },
  ip: { name: 'IP address', description: 'IPv4 or IPv6 address' },
  health: {
    name: 'Health',
    description: 'Health information (special category): terms in kk/ru/en, ICD-10 codes',
  },
};
