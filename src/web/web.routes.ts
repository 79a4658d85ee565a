/**
 * Serves the built web app (`web/dist`) at `/`: its files through @fastify/static, and its
 * `index.html` for any other GET that asks for HTML outside the API's paths, so deep links such
 * as `/transparency` load the app, which then shows the page. API clients asking for JSON at an
 * unknown path still get a problem document, never an HTML page.
 *
 * ```ts
 * const app = await buildApp({ ..., routes: [...moduleRoutes, webRoutes] });
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { DomainError } from '../core/errors.js';
import type { RoutePlugin } from '../http/app.js';

/** `web/dist` of this checkout: two levels up from both `src/web/` and the compiled `dist/web/`. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the API; an unknown path under them is a 404, not the app. */
export const API_PATHS: readonly string[] = [
  '/v1',
  '/ledger',
  '/docs',
  '/openapi.json',
  '/healthz',
  '/readyz',
  '/metrics',
];

export function isApiPath(pathname: string): boolean {
  return API_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** True when the client says it takes HTML: a browser navigating, not `fetch` or `curl`. */
export function acceptsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

// Vite names every file under assets/ by its content hash, so it never changes under that name
// and may be cached for a year; everything else (index.html, favicon) is revalidated each time
// so a new release is picked up on the next load.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export interface WebRoutesOptions {
  /** Directory of the built app; defaults to this checkout's `web/dist`. */
  readonly root?: string;
}

export function createWebRoutes(options: WebRoutesOptions = {}): RoutePlugin {
  const root = path.resolve(options.root ?? DEFAULT_WEB_ROOT);
  const assets = path.join(root, 'assets') + path.sep;

  const plugin: FastifyPluginAsync = async (app) => {
    const indexFile = path.join(root, 'index.html');
    if (!existsSync(indexFile)) {
      app.log.info(
        { root },
        'web app not built (run `npm run build -w web`); serving the API without it',
      );
      return;
    }
    // Read once: the file list below is also fixed at start, so a rebuilt app needs a restart.
    const indexHtml = readFileSync(indexFile);

    await app.register(async (web) => {
      // The app's files are public by nature; @fastify/static registers its own routes, so they
      // are declared public here, as the docs UI's are in the HTTP shell.
      web.addHook('onRoute', (route) => {
        route.config = { ...route.config, allow: ['public'] };
      });

      await web.register(fastifyStatic, {
        root,
        // One route per built file instead of a catch-all, which leaves `/*` to the fallback.
        wildcard: false,
        index: ['index.html'],
        cacheControl: false,
        dotfiles: 'ignore',
        schemaHide: true,
        setHeaders: (response, filePath) => {
          response.setHeader('cache-control', filePath.startsWith(assets) ? IMMUTABLE : REVALIDATE);
        },
      });

      // Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says (on a first
      // visit, for a bookmark): a 404 there is an error in every console and a line in every log.
      if (existsSync(path.join(root, 'favicon.svg')) && !existsSync(path.join(root, 'favicon.ico')))
        web.get(
          '/favicon.ico',
          { config: { allow: ['public'] }, schema: { hide: true } },
          async (_request, reply) => reply.redirect('/favicon.svg', 301),
        );

      web.get(
        '/*',
        { config: { allow: ['public'] }, schema: { hide: true } },
        async (request, reply) => {
          const pathname = request.url.split('?')[0] ?? request.url;
          if (isApiPath(pathname) || !acceptsHtml(request.headers.accept)) {
            throw new DomainError(
              'request.not_found',
              `There is no ${request.method} ${pathname} on this server.`,
            );
          }
          return reply
            .type('text/html; charset=utf-8')
            .header('cache-control', REVALIDATE)
            .send(indexHtml);
        },
      );
    });
  };

  return { name: 'web', plugin };
}

/** The web app from this checkout's `web/dist`, for the server's route list. */
export const webRoutes: RoutePlugin = createWebRoutes();
