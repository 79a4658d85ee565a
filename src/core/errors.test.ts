import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_CATALOGUE, isDomainError, problemType, statusOf } from './errors.js';

describe('the error catalogue', () => {
  it('names each code by a URN problem type and gives its status', () => {
    expect(problemType('auth.unauthenticated')).toBe('urn:qalqan:problem:auth.unauthenticated');
    expect(statusOf('auth.unauthenticated')).toBe(401);
    expect(statusOf('registry.operator_not_found')).toBe(404);
    expect(statusOf('ledger.overloaded')).toBe(503);
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(statusOf(code as keyof typeof ERROR_CATALOGUE)).toBe(entry.status);
      expect(problemType(code as keyof typeof ERROR_CATALOGUE)).toBe(`urn:qalqan:problem:${code}`);
    }
  });
});

describe('DomainError', () => {
  it('carries its code, detail, extensions and the catalogue status', () => {
    const error = new DomainError('registry.operator_not_found', 'There is no such operator.', {
      id: 'op_1',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.message).toBe('There is no such operator.');
    expect(error.detail).toBe('There is no such operator.');
    expect(error.code).toBe('registry.operator_not_found');
    expect(error.status).toBe(404);
    expect(error.extensions).toEqual({ id: 'op_1' });
    expect(String(error)).toBe('DomainError: There is no such operator.');
    expect(new DomainError('ledger.overloaded', 'Busy.').extensions).toEqual({});
  });

  it('is recognised by isDomainError, and nothing else is', () => {
    expect(isDomainError(new DomainError('auth.unauthenticated', 'No.'))).toBe(true);
    expect(isDomainError(new Error('No.'))).toBe(false);
    // The same shape is not enough: only the class carries a catalogued code.
    expect(isDomainError({ code: 'auth.unauthenticated', detail: 'No.', status: 401 })).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
  });
});
