// Company single sign-on through OpenID Connect (openid-client v6): the authorization-code flow
// with PKCE, state and nonce. The provider is discovered lazily, once, on the first sign-in
// (a provider that is down at start does not stop Parley; a failed discovery is retried).
import * as oidc from 'openid-client';
import type { Config } from '../config.ts';
import { text, UserError } from '../shared/errors.ts';
import type { SsoClaims } from './sign-in-with-sso.ts';

export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  /** Plain-http issuers are accepted only outside production (local providers, tests). */
  allowHttp: boolean;
}

/** What the browser keeps (in a signed, HttpOnly cookie) between leaving and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The settings from the configuration, or null when single sign-on is not configured. */
export function ssoSettings(config: Config): SsoSettings | null {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    displayName: config.OIDC_DISPLAY_NAME,
    allowHttp: new URL(config.OIDC_ISSUER).protocol === 'http:' && config.NODE_ENV !== 'production',
  };
}

/** The provider could not be reached or answered nonsense: not the user's fault (HTTP 502). */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

export class SsoClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: SsoSettings) {}

  /** Starts a sign-in: the provider's authorization URL, and what must be kept until the callback. */
  async begin(redirectUri: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, redirectUri };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Completes a sign-in from the callback's query string: checks state, exchanges the code
   * (with the PKCE verifier), verifies the ID token (signature, issuer, audience, nonce) and
   * returns its claims, completed from the UserInfo endpoint when the provider has one.
   */
  async complete(query: string, pending: PendingSignIn): Promise<{ issuer: string; claims: SsoClaims }> {
    const params = new URLSearchParams(query);
    const name = this.settings.displayName;
    const refusal = providerRefusal(params, name);
    if (refusal) throw refusal;
    if (!params.get('state') || params.get('state') !== pending.state) {
      throw new UserError(text('accounts:errors.ssoStateMismatch', { name }), 400);
    }
    if (!params.get('code')) throw new UserError(text('accounts:errors.ssoNoCode', { name }), 400);

    const config = await this.discover();
    const currentUrl = new URL(pending.redirectUri);
    currentUrl.search = params.toString();
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw refused(err, name);
    }
    const idClaims = tokens.claims();
    if (!idClaims?.sub) throw new UserError(text('accounts:errors.ssoNoSubject', { name }), 400);
    let claims: Record<string, unknown> = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        // Providers often put profile claims only in UserInfo; the ID token wins where both have one.
        claims = { ...info, ...stripUndefined(idClaims) };
      } catch (err) {
        throw refused(err, name);
      }
    }
    return {
      issuer: config.serverMetadata().issuer,
      claims: {
        sub: idClaims.sub,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        email_verified: claims.email_verified === true || claims.email_verified === 'true',
        name: typeof claims.name === 'string' ? claims.name : undefined,
        preferred_username: typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
      },
    };
  }

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= this.load().catch((err: unknown) => {
      this.configuration = undefined; // try again on the next sign-in
      throw new ProviderUnavailableError(`cannot discover the OpenID provider at ${this.settings.issuer}: ${(err as Error).message}`, { cause: err });
    });
    return this.configuration;
  }

  private async load(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret, allowHttp } = this.settings;
    const execute = allowHttp ? [oidc.allowInsecureRequests] : [];
    const discovered = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), { execute });
    // client_secret_basic is the default every provider must support; use _post if it says only that.
    const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported;
    if (!methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) return discovered;
    const config = new oidc.Configuration(discovered.serverMetadata(), clientId, undefined, oidc.ClientSecretPost(clientSecret));
    if (allowHttp) oidc.allowInsecureRequests(config);
    return config;
  }
}

/** The provider's own error in the callback (the person cancelled, or the provider refused), if any. */
export function providerRefusal(params: URLSearchParams, name: string): UserError | null {
  if (!params.has('error')) return null;
  const description = (params.get('error_description') || params.get('error') || '').slice(0, 300);
  return new UserError(text('accounts:errors.ssoIncomplete', { name, description }), params.get('error') === 'access_denied' ? 403 : 400);
}

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The provider refused the code or the token failed a check: a 400 for the person, logged detail in the cause. */
function refused(err: unknown, name: string): Error {
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    return new UserError(text('accounts:errors.ssoRefused', { name, error: err.error }), 400);
  }
  if (err instanceof oidc.ClientError) {
    return new UserError(text('accounts:errors.ssoSecurityCheck', { name, code: err.code ?? err.message }), 400);
  }
  return new ProviderUnavailableError(`the OpenID provider failed: ${(err as Error).message}`, { cause: err });
}
