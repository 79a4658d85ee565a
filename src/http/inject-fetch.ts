/**
 * A `fetch` answered by the app in this process (Fastify's inject): the typed client
 * (`@qalqan/client`) talks to a composed server without a socket — the demo loader, tests. The
 * request goes through every hook, authenticator and schema, exactly as over HTTP.
 */
import type { App } from './app.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** The base URL to give the client with {@link injectFetch}; only the path and query are used. */
export const IN_PROCESS_URL = 'http://qalqan.in-process';

export function injectFetch(app: Pick<App, 'inject'>): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await app.inject({
      method: request.method as Method,
      url: `${url.pathname}${url.search}`,
      headers,
      ...(body ? { payload: body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value])
        responseHeaders.append(name, String(one));
    }
    const empty =
      answer.statusCode === 204 || answer.statusCode === 304 || request.method === 'HEAD';
    return new Response(empty ? null : answer.rawPayload, {
      status: answer.statusCode,
      headers: responseHeaders,
    });
  };
}
