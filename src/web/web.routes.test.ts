import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../http/app.js';
import { acceptsHtml, createWebRoutes, isApiPath } from './web.routes.js';

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';

/** A module route, to check that the fallback never shadows the API. */
const apiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/v1/example', { config: { allow: ['public'] } }, async () => ({ ok: true }));
};

let root: string;
let app: App | undefined;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'qalqan-web-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), INDEX);
  writeFileSync(path.join(root, 'assets', 'app-1a2b3c.js'), 'console.log("app");\n');
  writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appServing(webRoot: string, logger?: Writable): Promise<App> {
  app = await buildApp({
    config,
    checkReady: async () => undefined,
    routes: [{ name: 'api', plugin: apiRoutes }, createWebRoutes({ root: webRoot })],
    ...(logger ? { logger: { level: 'info', stream: logger } } : { logger: false }),
  });
  await app.ready();
  return app;
}

describe('web routes', () => {
  it('serves index.html at / under the server CSP, revalidated on every load', async () => {
    const server = await appServing(root);
    const response = await server.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toBe(INDEX);
  });

  it('serves hashed assets as immutable and other files as revalidated', async () => {
    const server = await appServing(root);
    const script = await server.inject({ url: '/assets/app-1a2b3c.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await server.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it("sends a browser asking for /favicon.ico to the app's SVG icon, not a 404", async () => {
    const server = await appServing(root);
    const legacy = await server.inject({ url: '/favicon.ico', headers: { accept: 'image/*' } });
    expect(legacy.statusCode).toBe(301);
    expect(legacy.headers.location).toBe('/favicon.svg');
  });

  it('answers deep links of the app with index.html when the browser asks for HTML', async () => {
    const server = await appServing(root);
    for (const url of ['/transparency', '/transparency?x=1', '/some/deep/page']) {
      const response = await server.inject({ url, headers: { accept: BROWSER_ACCEPT } });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const head = await server.inject({
      method: 'HEAD',
      url: '/transparency',
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(head.statusCode).toBe(200);
  });

  it('keeps API paths, other media types and other methods as problem-details 404s', async () => {
    const server = await appServing(root);
    const cases = [
      { method: 'GET', url: '/v1/missing', accept: BROWSER_ACCEPT },
      { method: 'GET', url: '/ledger/checkpoint-typo', accept: BROWSER_ACCEPT },
      { method: 'GET', url: '/docs/missing', accept: BROWSER_ACCEPT },
      { method: 'GET', url: '/metrics/x', accept: BROWSER_ACCEPT },
      { method: 'GET', url: '/transparency', accept: 'application/json' },
      { method: 'GET', url: '/transparency', accept: '*/*' },
      { method: 'GET', url: '/assets/missing.js', accept: '*/*' },
      { method: 'POST', url: '/transparency', accept: BROWSER_ACCEPT },
    ] as const;
    for (const { method, url, accept } of cases) {
      const response = await server.inject({ method, url, headers: { accept } });
      expect(response.statusCode, `${method} ${url} ${accept}`).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        code: 'request.not_found',
        // GET falls through the web app's fallback; any other method reaches the shell's
        // not-found handler, which quotes no path (issue 9: nothing from the request echoed).
        detail:
          method === 'GET'
            ? `There is no ${method} ${url.split('?')[0]} on this server.`
            : `Nothing answers ${method} at this path; see /openapi.json for the routes.`,
      });
    }
  });

  it('leaves the API, its docs and health routes answering as before', async () => {
    const server = await appServing(root);
    const api = await server.inject({ url: '/v1/example', headers: { accept: BROWSER_ACCEPT } });
    expect(api.json()).toEqual({ ok: true });
    const health = await server.inject({ url: '/healthz', headers: { accept: BROWSER_ACCEPT } });
    expect(health.json()).toEqual({ status: 'ok' });
    const openapi = await server.inject({
      url: '/openapi.json',
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(openapi.json()).toMatchObject({ openapi: '3.1.0' });
    // The app's routes are hidden from the API description.
    expect(Object.keys(openapi.json<{ paths: object }>().paths)).not.toContain('/*');
    const docs = await server.inject({ url: '/docs/', headers: { accept: BROWSER_ACCEPT } });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toBe(INDEX);
  });

  it('registers nothing and says so in one info line when the app is not built', async () => {
    const lines: string[] = [];
    const logger = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const missing = path.join(root, 'not-built');
    const server = await appServing(missing, logger);
    const response = await server.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const notices = lines.filter((line) => line.includes('web app not built'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!)).toMatchObject({ level: 30, root: missing });
  });
});

describe('request classification', () => {
  it('tells API paths from app paths by whole path segments', () => {
    expect(isApiPath('/v1')).toBe(true);
    expect(isApiPath('/v1/access/check')).toBe(true);
    expect(isApiPath('/openapi.json')).toBe(true);
    expect(isApiPath('/ledger/tile/entries/000')).toBe(true);
    expect(isApiPath('/v10')).toBe(false);
    expect(isApiPath('/ledgers')).toBe(false);
    expect(isApiPath('/transparency')).toBe(false);
    expect(isApiPath('/')).toBe(false);
  });

  it('recognises browsers asking for HTML', () => {
    expect(acceptsHtml(BROWSER_ACCEPT)).toBe(true);
    expect(acceptsHtml('text/html')).toBe(true);
    expect(acceptsHtml('application/json, text/html;q=0.5')).toBe(true);
    expect(acceptsHtml('*/*')).toBe(false);
    expect(acceptsHtml('application/json')).toBe(false);
    expect(acceptsHtml('text/htmlx')).toBe(false);
    expect(acceptsHtml(undefined)).toBe(false);
  });
});
