// Structured logs (pino, through Fastify). They must never carry passwords, tokens, cookies or
// personal data: requests are logged by route pattern (not the raw URL, which may hold a
// token or a username), and known secret fields are censored wherever they appear.
import type { FastifyServerOptions } from 'fastify';

export const REDACT_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'token', '*.token', 'secret', '*.secret',
  'email', '*.email', 'phone', '*.phone', 'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; routeOptions?: { url?: string }; url: string; id: string }) {
        return { method: req.method, route: req.routeOptions?.url ?? '(unmatched)', id: req.id };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
  };
}
