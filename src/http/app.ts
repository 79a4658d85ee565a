/**
 * The HTTP shell: `buildApp` returns a Fastify instance with the cross-cutting parts every route
 * relies on — request ids, IIN-safe logs, problem details, access control, security headers,
 * body limits, OpenAPI 3.1 and metrics — and registers the module route plugins it is given.
 * It does not listen; `server.ts` does, and tests use `inject()` or `listen({ port: 0 })`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Server } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Config, HttpLimits } from '../config/config.js';
import { DomainError } from '../core/errors.js';
import { type Authenticator, installAccessControl } from './access.js';
import { createAuthFailureLimiter } from './auth-failures.js';
import { installStrictBodyParsers, nulInUrlError } from './body-parsers.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { healthRoutes } from './health.routes.js';
import { loggerOptions } from './logging.js';
import { installMetrics } from './metrics.js';
import { installProblemHandlers } from './problem.js';
import { requestIdFor } from './request-id.js';
import { securityHeaders } from './security-headers.js';
import { createValidatorCompiler } from './validation.js';
import { ProblemSchema } from './schemas.js';

/** A module's contribution to the HTTP surface. */
export interface RoutePlugin {
  readonly name: string;
  readonly plugin: FastifyPluginAsync;
}

export interface AppOptions {
  readonly config: Pick<Config, 'logLevel' | 'bodyLimit' | 'trustProxy' | 'metricsToken'> & {
    /** Timeouts and the failed-authentication limit; absent (test harnesses) means neither. */
    readonly http?: HttpLimits;
  };
  /** Answers readiness; typically a storage ping. */
  readonly checkReady: () => Promise<void>;
  readonly authenticators?: readonly Authenticator[];
  readonly routes?: readonly RoutePlugin[];
  /** Override the logger options (tests pass `false`). */
  readonly logger?: FastifyServerOptions['logger'];
  /** A logger the caller already made (it logs for modules created before the app). */
  readonly loggerInstance?: FastifyBaseLogger;
  readonly version?: string;
}

export type App = FastifyInstance;

/**
 * One log line per request, written when it completes and carrying the request too, instead of
 * Fastify's two ("incoming request", "request completed"): each line is serialized, redacted and
 * scrubbed of identifiers, which made logging the shell's largest per-request cost.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? loggerOptions(options.config.logLevel) }),
    bodyLimit: options.config.bodyLimit,
    trustProxy: options.config.trustProxy,
    // A caller's request id is kept when it is well-formed so traces join across services.
    requestIdHeader: false,
    genReqId: (request) => requestIdFor(request.headers['x-request-id']),
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ...serverTimeouts(options.config.http),
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: false,
    logController: new OneLinePerRequest(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // While closing, new requests are shed with a problem document (Fastify's own 503 is plain JSON).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // One synchronous hook for what every answer carries (a callback hook costs no promise).
  const security = await securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(security);
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      done(new DomainError('server.unavailable', 'The server is shutting down; retry shortly.'));
      return;
    }
    done(nulInUrlError(request));
  });

  app.setValidatorCompiler(createValidatorCompiler());
  installProblemHandlers(app);
  installStrictBodyParsers(app);
  const limits = options.config.http;
  installAccessControl(
    app,
    options.authenticators ?? [],
    limits
      ? await createAuthFailureLimiter(app, {
          limit: limits.authFailureLimit,
          windowSeconds: limits.authFailureWindowSeconds,
        })
      : undefined,
  );
  installMetrics(app);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Qalqan API',
        version: options.version ?? '0.0.0',
        description:
          'Personal-data access control and monitoring. Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'System API key, staff token or OIDC access token',
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    // Each operation says who may call it: the same declaration the access hook enforces.
    transform: ({ schema, url, route }) => {
      const allow = route.config?.allow ?? [];
      if (allow.includes('public')) return { schema, url };
      const who = `Who may call: ${allow.join(', ')}.`;
      const description =
        typeof schema?.description === 'string' ? `${schema.description}\n\n${who}` : who;
      return {
        schema: {
          ...schema,
          description,
          security: [{ bearer: [] }],
          'x-qalqan-allow': allow,
        } as typeof schema,
        url,
      };
    },
  });
  // The docs UI's own routes are public by nature; they are registered inside a context that
  // declares so, keeping the "every route declares who may call it" rule without exceptions.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, allow: ['public'] };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  });

  app.get('/openapi.json', { config: { allow: ['public'] }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(healthRoutes, {
    checkReady: options.checkReady,
    metricsToken: options.config.metricsToken,
  });
  for (const { plugin } of options.routes ?? []) await app.register(plugin);

  return app;
}

/**
 * Slow clients must not hold connections forever: the head, the whole request, an idle keep-alive
 * and an idle socket each have a limit. Node checks the first two on a timer, every
 * `connectionsCheckingInterval`, so that runs often enough for the limits to mean what they say.
 */
function serverTimeouts(
  limits: HttpLimits | undefined,
): Pick<
  FastifyHttpOptions<Server>,
  'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'http'
> {
  if (!limits) return {};
  return {
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 2)),
    },
  };
}
