export interface SubjectsTable {
  /** HMAC-SHA-256 pseudonym of the IIN (see secrets/pseudonym.ts). */
  pseudonym: string;
  /** The IIN sealed with the field cipher, context `subjects.iin:<pseudonym>`. */
  iin_sealed: string;
  /** Kept in clear for age-based rules (minors need a guardian's consent); not identifying alone. */
  birth_year: number;
  created_at: string;
}

export interface SubjectTables {
  subjects: SubjectsTable;
}
