// A real OpenID Connect provider (oidc-provider) on loopback, for single sign-on tests. Its
// interaction step (normally a login page) signs in `nextLogin` at once and grants the
// requested scopes, or refuses when `nextLogin` is null, as a person pressing "cancel" would.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccountClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Claims of the provider's accounts, by subject id. */
  accounts: Map<string, TestAccountClaims>;
  /** The subject the next interaction signs in; null refuses (access_denied). */
  nextLogin: string | null;
  /** How many times the interaction (login) step ran. */
  interactions: number;
  /** Starts the provider proper, once the client's redirect URI is known. */
  configure(redirectUri: string): void;
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end('not configured yet');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const state: TestOidcProvider = {
    issuer,
    clientId: 'parley-community',
    clientSecret: randomBytes(24).toString('base64url'),
    accounts: new Map(),
    nextLogin: null,
    interactions: 0,
    configure(redirectUri) {
      const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: state.clientId,
            client_secret: state.clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        pkce: { required: () => true },
        ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
        features: { devInteractions: { enabled: false } },
        findAccount: (_ctx: unknown, sub: string) => {
          const claims = state.accounts.get(sub);
          return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
        },
      });
      const callback = provider.callback();
      handler = (req, res) => {
        if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
          void interact(provider, req, res).catch((err: unknown) => {
            res.statusCode = 500;
            res.end(String(err));
          });
          return;
        }
        callback(req, res);
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function interact(provider: Provider, req: IncomingMessage, res: ServerResponse) {
    state.interactions++;
    const details = await provider.interactionDetails(req, res);
    const accountId = state.nextLogin;
    if (!accountId) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return state;
}
