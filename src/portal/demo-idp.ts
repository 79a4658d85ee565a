/**
 * A real OpenID Connect identity provider for demo mode (`oidc-provider`), mounted under
 * `/demo-idp`. Its login page lists the demo citizens (name, story, IIN masked); choosing one
 * finishes the provider's interaction, and the portal signs in through the same authorization
 * code + PKCE flow it uses in production. The server registers these routes only in demo mode,
 * so outside it `/demo-idp/…` does not exist (404).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { CustomFetch } from 'openid-client';
import { Type } from 'typebox';
import { DomainError } from '../core/errors.js';
import { callbackPath, type IdentityProvider } from './sign-in.js';

export const DEMO_IDP_PATH = '/demo-idp';

export interface DemoIdentity {
  readonly name: string;
  readonly story: string;
  readonly iin: string;
}

export interface DemoIdentityProviderOptions {
  readonly citizens: readonly DemoIdentity[];
  readonly clientId: string;
  readonly iinClaim: string;
  readonly trustProxy: boolean;
}

/** An IIN as shown on the demo login page: the birth date part and the last two digits. */
export function maskIin(iin: string): string {
  return `${iin.slice(0, 6)}••••${iin.slice(-2)}`;
}

const TEXT = {
  en: {
    title: 'Demo identity provider',
    intro:
      'This stands in for the national identity provider in demo mode. Choose a demo citizen to sign in as; Qalqan receives their IIN in a signed ID token, exactly as in production.',
    signIn: 'Sign in as',
    cancel: 'Cancel',
  },
  ru: {
    title: 'Демонстрационный провайдер идентификации',
    intro:
      'В демо-режиме он заменяет национальный провайдер идентификации. Выберите демо-гражданина; Qalqan получит его ИИН в подписанном ID-токене, как в реальной работе.',
    signIn: 'Войти как',
    cancel: 'Отмена',
  },
  kk: {
    title: 'Демо сәйкестендіру провайдері',
    intro:
      'Демо режимде ол ұлттық сәйкестендіру провайдерінің орнын басады. Демо азаматты таңдаңыз; Qalqan оның ЖСН-ін қол қойылған ID-токенмен нақты жұмыстағыдай алады.',
    signIn: 'Кіру:',
    cancel: 'Бас тарту',
  },
} as const;
type Lang = keyof typeof TEXT;

function languageOf(request: FastifyRequest, uiLocales: unknown): Lang {
  const wanted = [
    ...(typeof uiLocales === 'string' ? uiLocales.split(' ') : []),
    ...String(request.headers['accept-language'] ?? '')
      .split(',')
      .map((part) => part.split(';')[0]!.trim()),
  ];
  for (const tag of wanted) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (primary === 'kk' || primary === 'ru' || primary === 'en') return primary;
  }
  return 'kk';
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function loginPage(lang: Lang, uid: string, citizens: readonly DemoIdentity[]): string {
  const t = TEXT[lang];
  const action = `${DEMO_IDP_PATH}/interaction/${encodeURIComponent(uid)}`;
  const items = citizens
    .map(
      (citizen, i) => `<li><form method="post" action="${action}/login">
<input type="hidden" name="citizen" value="${i}">
<button type="submit"><span class="name">${t.signIn} ${escapeHtml(citizen.name)}</span>
<span class="story">${escapeHtml(citizen.story)}</span>
<span class="iin">${maskIin(citizen.iin)}</span></button></form></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1a1a1a;background:#f4f6f8}
main{max-width:40rem;margin:0 auto}ul{list-style:none;padding:0}li{margin:.5rem 0}
button{display:block;width:100%;text-align:left;padding:.75rem 1rem;border:1px solid #5b6b7a;border-radius:.5rem;background:#fff;font:inherit;cursor:pointer}
button:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}.name{display:block;font-weight:600}
.story,.iin{display:block;color:#404b57;font-size:.9rem}.iin{font-family:ui-monospace,monospace}
</style></head>
<body><main><h1>${t.title}</h1><p>${t.intro}</p><ul>
${items}
</ul><form method="post" action="${action}/abort"><button type="submit">${t.cancel}</button></form></main></body></html>`;
}

/** Adapts `app.inject` to the fetch `openid-client` uses: the back channel stays in process. */
function injectFetch(app: FastifyInstance): CustomFetch {
  return async (url, options) => {
    const target = new URL(url);
    const headers: Record<string, string> = { host: target.host };
    new Headers(options.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body = options.body;
    const response = await app.inject({
      method: options.method as 'GET' | 'POST',
      url: `${target.pathname}${target.search}`,
      headers,
      ...(body !== undefined && body !== null
        ? { payload: typeof body === 'string' ? body : String(body as URLSearchParams) }
        : {}),
    });
    const out = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [String(value)]) out.append(key, one);
    }
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new Response(empty ? null : response.rawPayload, {
      status: response.statusCode,
      headers: out,
    });
  };
}

export interface DemoIdentityProvider {
  /** The provider the portal signs in with, for the origin the browser used. */
  identityProvider(origin: string): IdentityProvider;
  readonly routes: FastifyPluginAsyncTypebox;
}

export function createDemoIdentityProvider(
  options: DemoIdentityProviderOptions,
): DemoIdentityProvider {
  // The client secret and keys live as long as the process: demo sign-ins need no persistence.
  const clientSecret = randomBytes(24).toString('base64url');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const providers = new Map<string, Provider>();
  let transport: CustomFetch | undefined;

  // One provider per origin the browser uses (127.0.0.1 and localhost differ), each with its
  // issuer and the portal's callback on that origin registered as the only redirect URI.
  // oidc-provider is loaded on the first demo sign-in only: production never loads it.
  let providerClass: Promise<typeof Provider> | undefined;
  async function providerFor(origin: string): Promise<Provider> {
    let provider = providers.get(origin);
    if (!provider) {
      providerClass ??= import('oidc-provider').then((m) => m.default);
      const ProviderClass = await providerClass;
      // Another request may have made it while this one waited for the import.
      const made = providers.get(origin);
      if (made) return made;
      const citizens = options.citizens;
      provider = new ProviderClass(`${origin}${DEMO_IDP_PATH}`, {
        clients: [
          {
            client_id: options.clientId,
            client_secret: clientSecret,
            redirect_uris: [`${origin}${callbackPath}`],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        jwks: { keys: [{ ...signingKey, kid: 'demo-idp-1', use: 'sig', alg: 'RS256' }] },
        cookies: { keys: cookieKeys },
        pkce: { required: () => true },
        claims: { openid: ['sub', 'name', options.iinClaim] },
        conformIdTokenClaims: false,
        features: { devInteractions: { enabled: false } },
        interactions: {
          url: (_ctx, interaction) => `${DEMO_IDP_PATH}/interaction/${interaction.uid}`,
        },
        async findAccount(_ctx, id) {
          const citizen = citizens[Number(id.replace(/^demo-/, ''))];
          if (!citizen) return undefined;
          return {
            accountId: id,
            claims: () => ({ sub: id, name: citizen.name, [options.iinClaim]: citizen.iin }),
          };
        },
        renderError(ctx, out) {
          ctx.type = 'text/plain; charset=utf-8';
          ctx.body = `${out.error}: ${String(out.error_description ?? '')}`;
        },
      });
      provider.proxy = options.trustProxy;
      providers.set(origin, provider);
    }
    return provider;
  }

  const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  async function passToProvider(request: FastifyRequest, reply: FastifyReply) {
    const provider = await providerFor(originOf(request));
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(DEMO_IDP_PATH.length) || '/';
    // Fastify parsed form bodies already; oidc-provider reads them from `req.body`.
    (raw as { body?: unknown }).body = request.body;
    reply.hijack();
    await provider.callback()(raw, reply.raw);
  }

  const routes: FastifyPluginAsyncTypebox = async (app) => {
    transport = injectFetch(app);
    // oidc-provider reads its own bodies: forms reach it as text, parsed into an object here.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    const hide = { hide: true };
    app.get(
      `${DEMO_IDP_PATH}/interaction/:uid`,
      {
        config: { allow: ['public'] },
        schema: { ...hide, params: Type.Object({ uid: Type.String({ maxLength: 64 }) }) },
      },
      async (request, reply) => {
        const provider = await providerFor(originOf(request));
        const details = await provider.interactionDetails(request.raw, reply.raw);
        const { uid } = request.params;
        if (details.uid !== uid)
          throw new DomainError('request.not_found', 'No such sign-in interaction.');
        return reply
          .type('text/html; charset=utf-8')
          .send(
            loginPage(
              languageOf(request, details.params.ui_locales),
              details.uid,
              options.citizens,
            ),
          );
      },
    );
    app.post(
      `${DEMO_IDP_PATH}/interaction/:uid/login`,
      {
        config: { allow: ['public'] },
        schema: {
          ...hide,
          body: Type.Object({ citizen: Type.String({ pattern: '^[0-9]{1,3}$' }) }),
        },
      },
      async (request, reply) => {
        const provider = await providerFor(originOf(request));
        const details = await provider.interactionDetails(request.raw, reply.raw);
        const index = Number(request.body.citizen);
        if (!options.citizens[index])
          throw new DomainError('request.validation', 'citizen: no such demo citizen.', {
            field: 'citizen',
          });
        const accountId = `demo-${index}`;
        const grant = new provider.Grant({
          accountId,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope('openid');
        const grantId = await grant.save();
        reply.hijack();
        await provider.interactionFinished(
          request.raw,
          reply.raw,
          { login: { accountId }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      },
    );
    app.post(
      `${DEMO_IDP_PATH}/interaction/:uid/abort`,
      { config: { allow: ['public'] }, schema: hide },
      async (request, reply) => {
        const provider = await providerFor(originOf(request));
        reply.hijack();
        await provider.interactionFinished(
          request.raw,
          reply.raw,
          { error: 'access_denied', error_description: 'The citizen cancelled sign-in.' },
          { mergeWithLastSubmission: false },
        );
      },
    );
    app.all(`${DEMO_IDP_PATH}/*`, { config: { allow: ['public'] }, schema: hide }, passToProvider);
  };

  return {
    identityProvider(origin) {
      return {
        issuer: `${origin}${DEMO_IDP_PATH}`,
        clientId: options.clientId,
        clientSecret,
        iinClaim: options.iinClaim,
        allowHttp: true,
        ...(transport ? { fetch: transport } : {}),
      };
    },
    routes,
  };
}

/**
 * Outside demo mode `/demo-idp/…` answers 404 to every client, browsers included (without this
 * the web app's fallback would answer a browser's navigation with the app's page).
 */
export const absentDemoProvider: FastifyPluginAsyncTypebox = async (app) => {
  const notFound = async () => {
    throw new DomainError(
      'request.not_found',
      'There is no demo identity provider outside demo mode.',
    );
  };
  app.all(DEMO_IDP_PATH, { config: { allow: ['public'] }, schema: { hide: true } }, notFound);
  app.all(
    `${DEMO_IDP_PATH}/*`,
    { config: { allow: ['public'] }, schema: { hide: true } },
    notFound,
  );
};
