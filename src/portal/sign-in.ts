/**
 * Citizen sign-in with OpenID Connect: authorization code flow with PKCE (S256), state and nonce,
 * through `openid-client`. The sign-in in progress is bound to the browser by a short-lived
 * cookie and kept server-side, single use: a replayed callback, a forged `state` or a code from
 * another attempt finds nothing to finish. The IIN claim is turned into the subject pseudonym at
 * once; only the pseudonym reaches the session, and nothing here logs or stores the IIN.
 */
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import { DomainError } from '../core/errors.js';
import type { PortalTables } from './portal.tables.js';
import { hashToken, randomToken, type Session, type SessionStore } from './sessions.js';

/** What the portal needs from the subjects module: the pseudonym of a (validated) IIN. */
export interface PortalSubjects {
  subjectOf(iin: string): Promise<{ readonly pseudonym: string }>;
}

export interface IdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** The claim (ID token, else userinfo) that carries the IIN. */
  readonly iinClaim: string;
  /** Plain-HTTP issuer allowed (demo mode and tests only). */
  readonly allowHttp: boolean;
  /** How the server reaches the provider's back channel (discovery, token, JWKS, userinfo). */
  readonly fetch?: oidc.CustomFetch;
}

export interface SignInDeps {
  readonly db: Kysely<PortalTables>;
  readonly sessions: SessionStore;
  readonly subjects: PortalSubjects;
  /** The identity provider for a request's origin; undefined when sign-in is not configured. */
  readonly provider: (origin: string) => IdentityProvider | undefined;
  readonly clock?: () => Date;
  readonly log?: { warn(obj: object, msg: string): void };
}

const LOGIN_TTL_MS = 10 * 60_000;

/** A same-origin path to return to after sign-in; anything else lands on the portal's home. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/me';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/me';
  return value;
}

export const callbackPath = '/v1/portal/callback';

export interface SignIn {
  /** Starts a sign-in: the login cookie value and where to send the browser. */
  begin(origin: string, returnTo: string): Promise<{ loginToken: string; redirectTo: string }>;
  /** Finishes it from the callback URL; a new session and where to land. */
  finish(
    origin: string,
    loginToken: string | undefined,
    callbackUrl: URL,
  ): Promise<{ session: Session; token: string; returnTo: string }>;
}

export function createSignIn(deps: SignInDeps): SignIn {
  const clock = deps.clock ?? (() => new Date());
  const configs = new Map<string, Promise<oidc.Configuration>>();

  function providerFor(origin: string): IdentityProvider {
    const provider = deps.provider(origin);
    if (!provider)
      throw new DomainError(
        'portal.sign_in_unavailable',
        'Citizen sign-in needs an identity provider (QALQAN_PORTAL_OIDC_ISSUER) or demo mode.',
      );
    return provider;
  }

  function configurationOf(provider: IdentityProvider): Promise<oidc.Configuration> {
    const key = `${provider.issuer} ${provider.clientId}`;
    let config = configs.get(key);
    if (!config) {
      config = oidc
        .discovery(
          new URL(provider.issuer),
          provider.clientId,
          provider.clientSecret,
          provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None(),
          {
            ...(provider.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
            ...(provider.fetch ? { [oidc.customFetch]: provider.fetch } : {}),
          },
        )
        .then((configuration) => {
          if (provider.fetch) configuration[oidc.customFetch] = provider.fetch;
          return configuration;
        });
      // A failed discovery is retried on the next sign-in rather than cached.
      config.catch(() => configs.delete(key));
      configs.set(key, config);
    }
    return config;
  }

  function refuse(reason: string, detail: string, cause?: unknown): never {
    deps.log?.warn(
      { reason, ...(cause instanceof Error ? { cause: cause.message } : {}) },
      'citizen sign-in refused',
    );
    throw new DomainError('portal.sign_in_failed', detail, { reason });
  }

  return {
    async begin(origin, returnTo) {
      const provider = providerFor(origin);
      let config: oidc.Configuration;
      try {
        config = await configurationOf(provider);
      } catch (error) {
        deps.log?.warn(
          { cause: error instanceof Error ? error.message : String(error) },
          'identity provider discovery failed',
        );
        throw new DomainError(
          'server.unavailable',
          'The identity provider cannot be reached right now; try again shortly.',
        );
      }
      const loginToken = randomToken();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const now = clock();
      await deps.db
        .deleteFrom('portal_logins')
        .where('expires_at', '<', now.toISOString())
        .execute();
      await deps.db
        .insertInto('portal_logins')
        .values({
          id_hash: hashToken(loginToken),
          state,
          code_verifier: codeVerifier,
          nonce,
          return_to: safeReturnPath(returnTo),
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + LOGIN_TTL_MS).toISOString(),
        })
        .execute();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${origin}${callbackPath}`,
        scope: 'openid',
        response_type: 'code',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { loginToken, redirectTo: url.href };
    },

    async finish(origin, loginToken, callbackUrl) {
      const provider = providerFor(origin);
      if (!loginToken)
        refuse(
          'no-login',
          'No sign-in was started in this browser (or it was already used): start again from the sign-in button.',
        );
      // Single use: whatever happens next, this sign-in cannot be finished twice.
      const login = await deps.db
        .deleteFrom('portal_logins')
        .where('id_hash', '=', hashToken(loginToken))
        .returningAll()
        .executeTakeFirst();
      if (!login)
        refuse(
          'no-login',
          'No sign-in was started in this browser (or it was already used): start again from the sign-in button.',
        );
      if (Date.parse(login.expires_at) <= clock().getTime())
        refuse('login-expired', 'The sign-in took too long: start again.');
      const errorCode = callbackUrl.searchParams.get('error');
      if (errorCode !== null && callbackUrl.searchParams.get('state') === login.state)
        refuse(
          'provider-error',
          `The identity provider did not sign you in (${errorCode.slice(0, 64)}).`,
        );
      if (callbackUrl.searchParams.get('state') !== login.state)
        refuse(
          'state-mismatch',
          'The answer from the identity provider does not belong to this sign-in (state mismatch).',
        );

      const config = await configurationOf(provider);
      let claims: Record<string, unknown>;
      try {
        const tokens = await oidc.authorizationCodeGrant(
          config,
          new URL(`${origin}${callbackPath}${callbackUrl.search}`),
          {
            pkceCodeVerifier: login.code_verifier,
            expectedState: login.state,
            expectedNonce: login.nonce,
            idTokenExpected: true,
          },
        );
        claims = { ...(tokens.claims() ?? {}) };
        if (claims[provider.iinClaim] === undefined && tokens.access_token) {
          const info = await oidc.fetchUserInfo(
            config,
            tokens.access_token,
            typeof claims.sub === 'string' ? claims.sub : oidc.skipSubjectCheck,
          );
          claims = { ...info, ...claims };
        }
      } catch (error) {
        refuse(
          'token-rejected',
          `The identity provider's answer was not accepted: ${describeOidcError(error)}.`,
          error,
        );
      }
      const iin = claims[provider.iinClaim];
      if (typeof iin !== 'string')
        refuse('no-iin', `The identity provider did not send the ${provider.iinClaim} claim.`);
      let pseudonym: string;
      try {
        ({ pseudonym } = await deps.subjects.subjectOf(iin));
      } catch (error) {
        if (error instanceof DomainError)
          refuse('invalid-iin', 'The identity provider sent an IIN that is not valid.');
        throw error;
      }
      const { session, token } = await deps.sessions.create(pseudonym);
      return { session, token, returnTo: login.return_to };
    },
  };
}

/** A short, IIN-free description of why openid-client refused a response. */
function describeOidcError(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError)
    return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  if (error instanceof oidc.AuthorizationResponseError) return error.error;
  if (error instanceof Error) {
    // openid-client wraps the precise check that failed (e.g. the "iss" claim) as the cause.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`.replace(/\d{12,}/g, '…').slice(0, 300);
  }
  return 'unknown error';
}
