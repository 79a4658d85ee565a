/**
 * Security headers, as helmet writes them, computed once. `@fastify/helmet` calls `helmet(options)`
 * on every request, which rebuilds each middleware and re-parses the CSP directives: the shell's
 * largest per-request cost after logging. The headers do not depend on the request, so helmet
 * runs once at start against a throwaway instance and the result is set on every answer — the
 * same header values, with helmet still their single source.
 */
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/** Headers every answer has anyway, so not helmet's. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

/** The headers helmet sets with `options`, by name (lower case). */
export async function securityHeaders(
  options: FastifyHelmetOptions = HELMET_OPTIONS,
): Promise<Readonly<Record<string, string>>> {
  const probe = Fastify({ logger: false });
  try {
    await probe.register(helmet, options);
    probe.get('/', async () => '');
    const response = await probe.inject('/');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!NOT_HELMET.has(name) && value !== undefined) headers[name] = String(value);
    }
    return Object.freeze(headers);
  } finally {
    await probe.close();
  }
}
