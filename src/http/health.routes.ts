import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { bearerToken } from './access.js';
import { ProblemSchema } from './schemas.js';

export interface HealthRoutesOptions {
  /** Throws when a dependency the server needs to answer requests is unreachable. */
  readonly checkReady: () => Promise<void>;
  readonly metricsToken: string | undefined;
}

const Status = Type.Object({ status: Type.Literal('ok') });

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get(
    '/healthz',
    {
      config: { allow: ['public'] },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { allow: ['public'] },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: storage answers',
        response: { 200: Status, 503: ProblemSchema },
      },
    },
    async (request) => {
      try {
        await options.checkReady();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        throw new DomainError(
          'server.unavailable',
          'Storage does not answer; the server is not ready.',
        );
      }
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/metrics',
    {
      config: { allow: ['public'] },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (bearer token required when QALQAN_METRICS_TOKEN is set)',
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      if (
        options.metricsToken !== undefined &&
        !sameSecret(bearerToken(request), options.metricsToken)
      ) {
        throw new DomainError('auth.unauthenticated', 'Metrics need the metrics bearer token.');
      }
      reply.type(app.metrics.contentType);
      return app.metrics.metrics();
    },
  );
};

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
