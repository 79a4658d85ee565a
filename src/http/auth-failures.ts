/**
 * Failed authentication limited per client address, with @fastify/rate-limit's store. Only
 * failures count (a refused or unrecognised credential), so a busy system calling with a good key
 * is never slowed; once an address has used up its failures, every credentialed request from it
 * is refused with 429 until the window ends — a correct guess included, or the limit would only
 * slow the guessing, not stop it from being confirmed.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../core/errors.js';
import type { AuthFailureLimiter } from './access.js';

export interface AuthFailureSettings {
  readonly limit: number;
  readonly windowSeconds: number;
}

function tooMany(ttlSeconds: number): DomainError {
  return new DomainError(
    'auth.too_many_failures',
    `Too many failed authentication attempts from this address; try again in ${ttlSeconds} s.`,
    { retryAfterSeconds: ttlSeconds },
  );
}

/** Registers the rate-limit plugin (no global limit) and returns the limiter the access hook uses. */
export async function createAuthFailureLimiter(
  app: FastifyInstance,
  settings: AuthFailureSettings,
): Promise<AuthFailureLimiter> {
  await app.register(rateLimit, { global: false });
  const limiter = app.createRateLimit({
    max: settings.limit,
    timeWindow: settings.windowSeconds * 1000,
  });
  return {
    async check(request) {
      const state = await limiter(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0) throw tooMany(state.ttlInSeconds);
    },
    async fail(request) {
      const state = await limiter(request);
      if (!state.isAllowed && state.isExceeded) throw tooMany(state.ttlInSeconds);
    },
  };
}
