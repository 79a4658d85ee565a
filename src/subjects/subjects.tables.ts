export interface SubjectsTable {
  /** HMAC-SHA-256 pseudonym of the IIN (see secrets/pseudonym.ts). */
  pseudonym: string;
  /** The IIN sealed with the field cipher, context `subjects.iin:<pseudonym>`. */
  iin_sealed: string;
  /** Kept in clear for age-based rules (minors need a guardian's consent); not identifying alone. */
  birth_year: number;
  /**
   * The birth date the IIN encodes (`YYYY-MM-DD`), for age on a given day. Written for subjects
   * registered since migration 20261204_1233; older rows hold null until the subject's IIN is
   * presented again (`subjectOf` fills it then) — a migration cannot derive it, as only the
   * sealed IIN holds it and migrations have no keys.
   */
  birth_date: string | null;
  created_at: string;
}

export interface SubjectTables {
  subjects: SubjectsTable;
}
