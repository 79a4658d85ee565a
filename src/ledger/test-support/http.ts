/** HTTP helpers for tests that verify a served ledger, including a tampering front end. */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../http/app.js';
import type { Ledger } from '../ledger.js';
import { ledgerRoutes } from '../ledger.routes.js';

const config = {
  logLevel: 'silent' as const,
  bodyLimit: 4096,
  trustProxy: false,
  metricsToken: undefined,
};

/** The real HTTP shell with the ledger routes, not listening. */
export async function ledgerApp(ledger: Ledger): Promise<App> {
  const app = await buildApp({
    config,
    checkReady: () => Promise.resolve(),
    routes: [ledgerRoutes(ledger)],
    logger: false,
  });
  await app.ready();
  return app;
}

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `app` over real HTTP, letting `patch` replace a response body (return undefined to
 * pass it through). Verifiers must catch whatever the patch forges.
 */
export async function serve(
  app: App,
  patch: (path: string, body: Buffer) => Buffer | undefined = () => undefined,
): Promise<Served> {
  const server: Server = createServer((request, response) => {
    void app.inject({ method: 'GET', url: request.url ?? '/' }).then((res) => {
      const path = (request.url ?? '/').split('?')[0]!;
      const body = patch(path, res.rawPayload) ?? res.rawPayload;
      response.writeHead(res.statusCode, {
        'content-type': String(res.headers['content-type'] ?? 'text/plain'),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Flips one bit of a body. */
export function flipByte(body: Buffer, at: number): Buffer {
  const copy = Buffer.from(body);
  copy[at % copy.length]! ^= 0x01;
  return copy;
}
