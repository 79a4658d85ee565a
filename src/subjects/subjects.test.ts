import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Kysely, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { withCheckDigit } from '../core/identifiers.js';
import { createFieldCipher } from '../secrets/field-cipher.js';
import { createPseudonymizer } from '../secrets/pseudonym.js';
import { describeStorage } from '../storage/test-support/storages.js';
import { ageOn } from './age.js';
import { createSubjects, type SubjectRef } from './subjects.module.js';
import type { SubjectTables } from './subjects.tables.js';

/** A valid IIN of someone born on `yymmdd` in the 1900s (century digit 3) or 2000s (5). */
function iinBorn(yymmdd: string, century: '3' | '5', serial: number): string {
  for (let s = serial; ; s++) {
    const iin = withCheckDigit(`${yymmdd}${century}${String(s).padStart(4, '0')}`);
    if (iin) return iin;
  }
}

describe('ageOn', () => {
  it.each([
    ['1990-04-12', '2026-04-11', 35],
    ['1990-04-12', '2026-04-12', 36],
    ['2008-12-04', '2026-12-03', 17],
    ['2008-12-04', '2026-12-04', 18],
    ['2008-12-04', '2026-12-04T00:00:00.000Z', 18],
    ['2004-02-29', '2022-02-28', 17],
    ['2004-02-29', '2022-03-01', 18],
    ['2004-02-29', '2024-02-29', 20],
    ['2026-12-04', '2026-12-04', 0],
  ])('born %s is on %s %i', (birth, day, age) => {
    expect(ageOn(birth, day)).toBe(age);
  });

  it('never decreases as the day moves on, and grows by one a year', () => {
    const date = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, date, date, (birth, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(ageOn(birth, late)).toBeGreaterThanOrEqual(ageOn(birth, early));
        const nextYear = `${Number(late.slice(0, 4)) + 1}${late.slice(4)}`;
        if (!late.endsWith('02-29')) expect(ageOn(birth, nextYear)).toBe(ageOn(birth, late) + 1);
      }),
    );
  });
});

describeStorage('subjects', (fx) => {
  const secrets = {
    pseudonymOf: createPseudonymizer(randomBytes(32)),
    fields: createFieldCipher(randomBytes(32)),
  };
  const subjects = () => createSubjects(fx.storage.db, secrets);
  const db = () => fx.storage.db as unknown as Kysely<SubjectTables>;

  it('registers a subject once, with its birth date, and reveals the IIN to its owner', async () => {
    const iin = iinBorn('080229', '5', 101);
    const first = await subjects().subjectOf(iin);
    expect(first.birthDate).toBe('2008-02-29');
    expect(first.pseudonym).not.toContain(iin);
    expect(await subjects().subjectOf(iin)).toEqual(first);
    const rows = await db()
      .selectFrom('subjects')
      .selectAll()
      .where('pseudonym', '=', first.pseudonym)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ birth_date: '2008-02-29', birth_year: 2008 });
    expect(rows[0]!.iin_sealed).not.toContain(iin);
    expect(await subjects().revealIin(first.pseudonym)).toBe(iin);
    expect(await subjects().revealIin('psn_unknown')).toBeUndefined();
  });

  it('answers a subject it registered from memory: no statement, no transaction; forgets the least recently used', async () => {
    let statements = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const remembering = createSubjects(fx.storage.db.withPlugin(counting), secrets, undefined, 2);
    const [a, b, c] = ['850101', '850102', '850103'].map((day) => iinBorn(day, '3', 301));
    const first = await remembering.subjectOf(a!);
    expect(statements).toBeGreaterThan(0);
    statements = 0;
    expect(await remembering.subjectOf(a!)).toEqual(first);
    expect(statements).toBe(0);
    // Still validated first: a wrong IIN is refused even among remembered ones.
    await expect(remembering.subjectOf(`${a!.slice(0, 11)}x`)).rejects.toMatchObject({
      code: 'core.invalid_iin',
    });
    await remembering.subjectOf(b!);
    await remembering.subjectOf(a!); // a is now the most recently used
    await remembering.subjectOf(c!); // over the bound of two: b is forgotten
    statements = 0;
    await remembering.subjectOf(a!);
    await remembering.subjectOf(c!);
    expect(statements).toBe(0);
    expect((await remembering.subjectOf(b!)).birthDate).toBe('1985-01-02');
    expect(statements).toBeGreaterThan(0);
  });

  it('refuses an invalid IIN naming the field, without quoting it, and stores nothing', async () => {
    const valid = iinBorn('900412', '3', 201);
    const wrong = valid.slice(0, 11) + String((Number(valid[11]) + 1) % 10);
    const before = await db().selectFrom('subjects').select('pseudonym').execute();
    for (const bad of [wrong, '12345', 'not-an-iin!!']) {
      const error = await subjects()
        .subjectOf(bad, 'subject')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('core.invalid_iin');
      expect((error as DomainError).message).toMatch(/^subject: /);
      expect(
        JSON.stringify({ ...(error as DomainError), m: (error as Error).message }),
      ).not.toContain(bad);
    }
    expect(await db().selectFrom('subjects').select('pseudonym').execute()).toHaveLength(
      before.length,
    );
  });

  it('fills the birth date of a subject registered before dates were kept when its IIN comes again', async () => {
    const iin = iinBorn('751231', '3', 301);
    const { pseudonym } = await subjects().subjectOf(iin);
    await db()
      .updateTable('subjects')
      .set({ birth_date: null })
      .where('pseudonym', '=', pseudonym)
      .execute();
    expect((await subjects().subjectOf(iin)).birthDate).toBe('1975-12-31');
    const row = await db()
      .selectFrom('subjects')
      .select('birth_date')
      .where('pseudonym', '=', pseudonym)
      .executeTakeFirstOrThrow();
    expect(row.birth_date).toBe('1975-12-31');
  });

  it('registers one row when the same new subject arrives concurrently', async () => {
    const iin = iinBorn('010101', '5', 401);
    const results = await Promise.all(Array.from({ length: 8 }, () => subjects().subjectOf(iin)));
    expect(new Set(results.map((r) => r.pseudonym)).size).toBe(1);
    const rows = await db()
      .selectFrom('subjects')
      .select('pseudonym')
      .where('pseudonym', '=', results[0]!.pseudonym)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('registers a burst of new subjects together; a bad IIN among them fails alone', async () => {
    const port = subjects();
    const iins = Array.from({ length: 20 }, (_, i) => iinBorn('020202', '5', 600 + i));
    const asked = await Promise.allSettled([
      ...iins.map((iin) => port.subjectOf(iin)),
      port.subjectOf('123456789012', 'subject'),
    ]);
    const refused = asked.pop()!;
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'core.invalid_iin' });
    const registered = asked.map((a) => (a as PromiseFulfilledResult<SubjectRef>).value);
    expect(registered.map((r) => r.birthDate)).toEqual(iins.map(() => '2002-02-02'));
    const rows = await db()
      .selectFrom('subjects')
      .select('pseudonym')
      .where(
        'pseudonym',
        'in',
        registered.map((r) => r.pseudonym),
      )
      .execute();
    expect(rows).toHaveLength(20);
  });
});
