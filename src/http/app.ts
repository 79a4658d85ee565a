/**
 * The HTTP shell: `buildApp` returns a Fastify instance with the cross-cutting parts every route
 * relies on — request ids, IIN-safe logs, problem details, access control, security headers,
 * body limits, OpenAPI 3.1 and metrics — and registers the module route plugins it is given.
 * It does not listen; `server.ts` does, and tests use `inject()` or `listen({ port: 0 })`.
 */
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { Config } from '../config/config.js';
import { type Authenticator, installAccessControl } from './access.js';
import { healthRoutes } from './health.routes.js';
import { loggerOptions } from './logging.js';
import { installMetrics } from './metrics.js';
import { installProblemHandlers } from './problem.js';
import { createValidatorCompiler } from './validation.js';
import { ProblemSchema } from './schemas.js';

/** A module's contribution to the HTTP surface. */
export interface RoutePlugin {
  readonly name: string;
  readonly plugin: FastifyPluginAsync;
}

export interface AppOptions {
  readonly config: Pick<Config, 'logLevel' | 'bodyLimit' | 'trustProxy' | 'metricsToken'>;
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

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export type App = FastifyInstance;

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? loggerOptions(options.config.logLevel) }),
    bodyLimit: options.config.bodyLimit,
    trustProxy: options.config.trustProxy,
    // A caller's request id is kept when it is well-formed so traces join across services.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setValidatorCompiler(createValidatorCompiler());
  installProblemHandlers(app);
  installAccessControl(app, options.authenticators ?? []);
  installMetrics(app);
  app.addSchema(ProblemSchema);

  await app.register(helmet, {
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
  });

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
