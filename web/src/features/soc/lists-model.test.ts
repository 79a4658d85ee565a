import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import {
  compactIin,
  countryCode,
  mayWrite,
  REFERENCE_LISTS,
  showsServerDetail,
  weekdayName,
  wordedProblemOf,
  workingDays,
} from './lists-model';

const problem = (status: number, code?: string) =>
  new ApiError({
    kind: 'problem',
    status,
    problem: { title: 'Refused', ...(code ? { code } : {}) },
  });

describe('the reference lists page, its pure parts', () => {
  it('sends each chosen working day once, in week order, whatever the choices hold', () => {
    expect(workingDays([5, 1, 3])).toEqual([1, 3, 5]);
    expect(workingDays([2, 2, 7, 2, 7])).toEqual([2, 7]);
    expect(workingDays([])).toEqual([]);
    expect(workingDays([0, 8, 4])).toEqual([4]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 20 }), (chosen) => {
        const sent = workingDays(chosen);
        expect(new Set(sent).size).toBe(sent.length);
        expect(sent).toEqual([...new Set(chosen)].sort((a, b) => a - b));
      }),
    );
  });

  it("shows the server's detail under a refused working-hours change, which names the value", () => {
    expect(showsServerDetail('invalidWorkingHours')).toBe(true);
    expect(showsServerDetail('validation')).toBe(true);
    expect(showsServerDetail('invalidIin')).toBe(false);
  });

  it('lets each role change the lists the API lets it change, and no other', () => {
    const writable = (roles: string[]) => REFERENCE_LISTS.filter((list) => mayWrite(list, roles));
    // src/monitor/reference.routes.ts: the SOC keeps the watch lists, the regulator the rest.
    expect(writable(['soc'])).toEqual(['honeytokens', 'protected-persons']);
    expect(writable(['regulator'])).toEqual([
      'working-hours',
      'terminated-actors',
      'staff',
      'destinations',
    ]);
    expect(writable(['auditor'])).toEqual([]);
    expect(writable([])).toEqual([]);
    expect(writable(['soc', 'regulator'])).toEqual([...REFERENCE_LISTS]);
  });

  it('takes spaces and dashes out of a typed IIN, and nothing else', () => {
    expect(compactIin(' 900515 201238 ')).toBe('900515201238');
    expect(compactIin('9005-1520-1238')).toBe('900515201238');
    expect(compactIin('90051520123x')).toBe('90051520123x');
  });

  it('reads a country code as the API takes it', () => {
    expect(countryCode(' de ')).toBe('DE');
    expect(countryCode('KZ')).toBe('KZ');
    for (const wrong of ['', 'D', 'DEU', 'D1', 'Д'] as const)
      expect(countryCode(wrong), wrong).toBeUndefined();
  });

  it('words the refusals it knows by their code, a bare 403 as a refusal by role', () => {
    expect(wordedProblemOf(problem(400, 'core.invalid_iin'))).toBe('invalidIin');
    expect(wordedProblemOf(problem(409, 'monitor.reference_exists'))).toBe('exists');
    expect(wordedProblemOf(problem(404, 'monitor.reference_not_found'))).toBe('notFound');
    expect(wordedProblemOf(problem(400, 'core.unknown_country'))).toBe('unknownCountry');
    expect(wordedProblemOf(problem(404, 'monitor.operator_not_found'))).toBe('operatorNotFound');
    expect(wordedProblemOf(problem(403, 'auth.forbidden'))).toBe('forbidden');
    expect(wordedProblemOf(problem(403, 'portal.csrf_failed'))).toBe('csrf');
    expect(wordedProblemOf(problem(403))).toBe('forbidden');
    expect(wordedProblemOf(new ApiError({ kind: 'http', status: 403 }))).toBe('forbidden');
    // Anything else is left to the shared message, which shows the server's own words.
    expect(wordedProblemOf(problem(500, 'internal'))).toBeUndefined();
    expect(wordedProblemOf(problem(400, 'toString'))).toBeUndefined();
    expect(wordedProblemOf(new ApiError({ kind: 'network' }))).toBeUndefined();
    expect(wordedProblemOf(new Error('x'))).toBeUndefined();
  });

  it('names ISO weekdays from Monday, in the reader’s language', () => {
    expect(weekdayName(1, 'en')).toBe('Monday');
    expect(weekdayName(7, 'en')).toBe('Sunday');
    expect(weekdayName(1, 'ru')).toBe('понедельник');
  });
});
