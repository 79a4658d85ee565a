/**
 * The demo world's citizens: realistic people with valid IINs derived from their birth dates, so
 * every validator, pseudonym and checksum in the system meets real-shaped data.
 */
import { withCheckDigit } from '../core/identifiers.js';

export interface DemoCitizen {
  readonly name: string;
  readonly iin: string;
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  /** What makes this person interesting in the demo. */
  readonly story: string;
}

/**
 * The minor's birth date: 15 years and 100 days before `today`, so she is 15 whenever the demo is
 * loaded (a fixed date would make her an adult one day, and the guardian's story would end).
 */
export function minorBirthDate(today: Date = new Date()): string {
  const born = new Date(
    Date.UTC(today.getUTCFullYear() - 15, today.getUTCMonth(), today.getUTCDate()),
  );
  born.setUTCDate(born.getUTCDate() - 100);
  return born.toISOString().slice(0, 10);
}

const PEOPLE: readonly Omit<DemoCitizen, 'iin'>[] = [
  {
    name: 'Айгерим Сапарова',
    birthDate: '1990-03-14',
    sex: 'female',
    story: 'a teacher whose school asks for documents in a messenger',
  },
  {
    name: 'Нұрлан Жақсылықов',
    birthDate: '1985-11-02',
    sex: 'male',
    story: 'a borrower whose data several microfinance lenders request',
  },
  {
    name: 'Дана Ержанова',
    birthDate: '2001-07-23',
    sex: 'female',
    story: 'a student treated at the city clinic',
  },
  {
    name: 'Ерлан Омаров',
    birthDate: '1978-01-30',
    sex: 'male',
    story: 'a driver whose car sends telematics to its maker',
  },
  {
    name: 'Гүлнар Тұрсынбекова',
    birthDate: '1962-09-08',
    sex: 'female',
    story: 'a pensioner receiving social benefits',
  },
  {
    name: 'Арман Бекмұхамбетов',
    birthDate: '1995-05-19',
    sex: 'male',
    story: 'a bank customer who refuses marketing consent',
  },
  {
    name: 'Мадина Қасымова',
    birthDate: minorBirthDate(),
    sex: 'female',
    story: 'a minor: consent comes from a parent',
  },
  {
    name: 'Sergey Ivanov',
    birthDate: '1970-04-27',
    sex: 'male',
    story: 'a public figure whose record is watched for snooping',
  },
  {
    name: 'Тимур Серікбаев',
    birthDate: '1988-10-11',
    sex: 'male',
    story: 'a second driver of the same car maker, who named no insurer abroad',
  },
];

function centuryDigit(year: number, sex: 'male' | 'female'): number {
  const base = year < 1900 ? 1 : year < 2000 ? 3 : 5;
  return base + (sex === 'female' ? 1 : 0);
}

/** Builds the IIN for a person, trying serials until the prefix is one that can be issued. */
export function iinFor(birthDate: string, sex: 'male' | 'female', serialSeed: number): string {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const yymmdd =
    String(year % 100).padStart(2, '0') +
    String(month).padStart(2, '0') +
    String(day).padStart(2, '0');
  for (let serial = serialSeed; serial < serialSeed + 100; serial++) {
    const iin = withCheckDigit(
      `${yymmdd}${centuryDigit(year, sex)}${String(serial % 10000).padStart(4, '0')}`,
    );
    if (iin) return iin;
  }
  throw new Error(`no issuable IIN near serial ${serialSeed}`);
}

export const DEMO_CITIZENS: readonly DemoCitizen[] = PEOPLE.map((person, i) => ({
  ...person,
  iin: iinFor(person.birthDate, person.sex, 1021 + i * 137),
}));
