/**
 * The subjects module's port (contract 3): the pseudonym and birth date of an IIN for consent,
 * access and the demo, and the sealed IIN back only for its owner's own view. `server.ts` creates
 * it with one call; nobody else reads the `subjects` table.
 *
 * ```ts
 * const subjects = createSubjects(storage.db, secrets);
 * const { pseudonym, birthDate } = await subjects.subjectOf(iin); // registers it if new
 * ageOn(birthDate, '2026-12-04'); // full years on that day
 * ```
 */
import type { Kysely } from 'kysely';
import type { Secrets } from '../secrets/secrets.js';
import { ensureSubject, revealIin, validBirthDate } from './subjects.store.js';
import type { SubjectTables } from './subjects.tables.js';

export { ageOn } from './age.js';

export interface SubjectRef {
  readonly pseudonym: string;
  /** `YYYY-MM-DD`, as the IIN encodes it. */
  readonly birthDate: string;
}

export interface Subjects {
  /**
   * Validates the IIN (`DomainError('core.invalid_iin')` naming `field`, default 'iin', never
   * echoing the number) and registers the subject if new.
   */
  subjectOf(iin: string, field?: string): Promise<SubjectRef>;
  /** The IIN behind a pseudonym, for showing it to its owner only; undefined when unknown. */
  revealIin(pseudonym: string): Promise<string | undefined>;
}

/** How many registered subjects an instance remembers (a pseudonym each, about 100 bytes). */
export const REMEMBERED_SUBJECTS = 200_000;

export function createSubjects<DB extends SubjectTables>(
  db: Kysely<DB>,
  secrets: Pick<Secrets, 'pseudonymOf' | 'fields'>,
  clock: () => Date = () => new Date(),
  remember = REMEMBERED_SUBJECTS,
): Subjects {
  // Subjects registered (with their birth date) that this instance has seen, by pseudonym: a row
  // is never deleted nor changed once its birth date is filled, so a remembered subject needs no
  // transaction, no sealing of the IIN and no statement — an access check asks for its subject
  // every time. Least recently used forgotten first; never a raw IIN kept.
  const registered = new Set<string>();
  const remembered = (pseudonym: string): boolean => {
    if (!registered.has(pseudonym)) return false;
    registered.delete(pseudonym);
    registered.add(pseudonym);
    return true;
  };
  const rememberSubject = (pseudonym: string): void => {
    if (remember <= 0) return;
    registered.add(pseudonym);
    if (registered.size > remember) {
      const oldest = registered.values().next().value;
      if (oldest !== undefined) registered.delete(oldest);
    }
  };

  // Registrations group-committed: what is asked while one transaction runs goes into the next,
  // so a burst of new subjects (access checks, an import) costs one commit, not one each.
  type Pending = {
    readonly iin: string;
    resolve(subject: SubjectRef): void;
    reject(error: unknown): void;
  };
  let queue: Pending[] = [];
  let writing = false;
  async function writeRounds(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const taken = queue;
      queue = [];
      try {
        const now = clock().toISOString();
        const found = await db.transaction().execute(async (trx) => {
          const out: SubjectRef[] = [];
          for (const pending of taken) {
            const subject = await ensureSubject(trx, secrets, pending.iin, now);
            out.push({ pseudonym: subject.pseudonym, birthDate: subject.birthDate });
          }
          return out;
        });
        taken.forEach((pending, i) => {
          rememberSubject(found[i]!.pseudonym);
          pending.resolve(found[i]!);
        });
      } catch (error) {
        for (const pending of taken) pending.reject(error);
      }
    }
    writing = false;
  }

  return {
    async subjectOf(iin, field = 'iin') {
      // Refused before it joins a batch: one bad IIN never fails the others' transaction.
      const birthDate = validBirthDate(iin, field);
      const pseudonym = secrets.pseudonymOf(iin);
      if (remembered(pseudonym)) return { pseudonym, birthDate };
      return new Promise<SubjectRef>((resolve, reject) => {
        queue.push({ iin, resolve, reject });
        if (!writing) void writeRounds();
      });
    },
    revealIin: (pseudonym) => revealIin(db, secrets, pseudonym),
  };
}
