// Configuration comes from environment variables, optionally layered over a JSON config file
// (PARLEY_CONFIG=path). Everything is validated once at start-up: a bad value stops Parley with
// a message that names the setting, rather than failing later in a request.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .default('file:./data/parley.db')
    .refine((v) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(v), {
      message: 'must be file:PATH (SQLite) or postgres://… (PostgreSQL)',
    }),
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  // The language of visitors' pages when their browser asks for none Parley speaks, and of e-mails to
  // people who chose none (issue 18). Each person can choose their own in their settings.
  DEFAULT_LOCALE: z.enum(['en', 'nl'], { message: 'must be en or nl' }).default('en'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Unset: the name the installation stored (the demo's), else "Parley Community" (src/web/site-identity.ts).
  SITE_NAME: z.string().min(1).max(80).optional(),
  SITE_LOGO_URL: z
    .string()
    .max(500)
    .refine((v) => /^\/[^/\\]/.test(v) || /^https:\/\//.test(v), { message: 'must be a path on this site (/assets/…) or an https:// address' })
    .optional(),
  // Seed the demo community when the database is empty at start. Off by setting it to "false".
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  COMPANY_EMAIL_DOMAINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    ),
  COMPANY_EMAIL_SUBDOMAINS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  // smtp://user:pass@host:587 or smtps://…; without it, e-mail goes to OUTBOX_DIR as .eml files.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be smtp://… or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Parley <no-reply@localhost>'),
  OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
  // Seconds a page rendered for visitors (not signed in) is served again; 0 turns it off.
  ANON_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  ANON_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(64),
  // Who must use two-step verification (src/accounts/two-factor-required.ts): nobody, the team
  // (employees, moderators, community managers, admins), or everyone with a password.
  REQUIRE_TWO_FACTOR: z.enum(['none', 'team', 'everyone']).default('none'),
  // Attempts per client address per 10 minutes on sign-in, sign-up and password reset forms.
  SIGNIN_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  UPLOADS_DIR: z.string().min(1).default('./data/uploads'),
  // Server processes sharing the port (Node's cluster): "auto" is one per CPU (at most 16). Unset: one in
  // development and test, "auto" in production. Each worker holds its own page cache.
  WORKERS: z
    .union([z.literal('auto'), z.coerce.number().int().min(1).max(256)], { message: 'must be "auto" or a whole number from 1 to 256' })
    .optional(),
  // Region for phone numbers written without a country code (ISO 3166 alpha-2).
  DEFAULT_PHONE_REGION: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as NL').default('NL'),
  // Signs cookies and keys hashes. Without it, one is generated and kept in the database.
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Key of the customer register's hashes, kept out of the database (see README, "Guard key"). Without it,
  // a key file (GUARD_KEY_FILE, default guard.key beside the SQLite file or ./data/guard.key) is created at first start.
  GUARD_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  GUARD_KEY_FILE: z.string().min(1).optional(),
  // Company single sign-on (OpenID Connect): all of issuer, client id and secret, or none.
  OIDC_ISSUER: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default('your company'),
  // Which peers may tell the client's address in X-Forwarded-For: off (default: the TCP peer is
  // the client), a comma list of proxy addresses/CIDRs, or a hop count (parseTrustProxy below).
  TRUST_PROXY: z
    .string()
    .default('off')
    .transform((v, ctx) => {
      const t = parseTrustProxy(v);
      if (typeof t === 'string' && t.startsWith('!')) {
        ctx.addIssue({ code: 'custom', message: t.slice(1) });
        return z.NEVER;
      }
      return t as false | number | string[];
    }),
  // SQLite's fsync policy in WAL mode: normal (default) may lose the last commits on power loss, full does not.
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  // PostgreSQL connections for the whole server, shared among its workers (see databaseConnections).
  DATABASE_CONNECTIONS: z.coerce.number().int().min(1).max(1000).optional(),
  // Queries slower than this many milliseconds are logged (warn) with the route that ran them; 0: off.
  SLOW_QUERY_MS: z.coerce.number().int().min(0).max(600_000).default(250),
  // Writes through the JSON API (POST/PUT/PATCH/DELETE) per minute: per account (all its tokens and
  // sessions together) and per API token. Past either: 429 with Retry-After.
  API_WRITE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
  API_TOKEN_WRITE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(60),
  // The guard's work per request (/check, a post, an edit): at most this much text (title, body and
  // attachments together, in KB of characters) — more is refused with 413 — and at most this much
  // time scanning — then 422. Attachments longer than one scan window are scanned in GUARD_THREADS
  // worker threads (0: on the main thread), so that one large post does not stall other requests.
  GUARD_TEXT_LIMIT_KB: z.coerce.number().int().min(64).max(1_000_000).default(3072),
  GUARD_TIME_LIMIT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  GUARD_THREADS: z.coerce.number().int().min(0).max(64).default(2),
  // Images from other hosts in posts: off, they become links (readers' browsers fetch nothing from
  // those hosts, which would learn who reads what); on, they show inline (and CSP allows https: images).
  ALLOW_REMOTE_IMAGES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  // Private messages older than this many days are deleted by the daily maintenance (two years by default).
  MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(730),
  // Notification e-mails go out this many seconds after the event, and only if the person has not
  // seen it in the app by then; 0 sends at the next sweep (every NOTIFICATION_EMAIL_SWEEP_SECONDS).
  NOTIFICATION_EMAIL_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  NOTIFICATION_EMAIL_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Moderation (src/moderation): reports from trusted members that hide a post until reviewed
  // (0: reports never hide), and minutes an open review item waits before the team is e-mailed (0: never).
  REPORTS_TO_HIDE: z.coerce.number().int().min(0).max(1000).default(3),
  REVIEW_REMIND_MINUTES: z.coerce.number().int().min(0).max(100_000).default(60),
  // On SIGTERM/SIGINT: seconds for requests in flight to finish before their connections are cut.
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  // Serves Prometheus metrics at /metrics to requests carrying "Authorization: Bearer <this>"; unset: no /metrics.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Several servers as one (docs/deploy.md): redis://[user:password@]host:port[/db] or rediss://… for TLS.
  // Set, the cache-dropping bus, live events and rate limits go through Redis; unset, one server works alone.
  REDIS_URL: z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '' && /^(\/\d{0,2})?$/.test(u.pathname);
      } catch {
        return false;
      }
    }, 'must be redis://host:port[/db] or rediss://… (for example redis://127.0.0.1:6379/0)')
    .optional(),
  // Avatars in S3-compatible object storage instead of the database (src/files/file-store.ts).
  // Credentials: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or the AWS SDK's usual sources.
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3-63 lower-case letters, digits, dots, hyphens)').optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL, e.g. https://s3.example.com' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
}).superRefine((c, ctx) => {
  if (!!c.S3_ACCESS_KEY_ID !== !!c.S3_SECRET_ACCESS_KEY) {
    ctx.addIssue({ code: 'custom', path: [c.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'], message: 'is required with the other S3 key (both or neither)' });
  }
  if ((c.S3_ENDPOINT || c.S3_ACCESS_KEY_ID) && !c.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when other S3_ settings are set' });
  const oidc = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const set = oidc.filter((k) => c[k]);
  if (set.length === 0) return;
  for (const k of oidc) {
    if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `is required because ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set (single sign-on needs issuer, client id and secret)` });
  }
});

export type Config = z.infer<typeof schema> & { publicUrl: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration; throws ConfigError naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  let fileValues: Record<string, unknown> = {};
  if (env.PARLEY_CONFIG) {
    const path = resolve(env.PARLEY_CONFIG);
    try {
      fileValues = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`PARLEY_CONFIG: cannot read ${path}: ${(err as Error).message}`);
    }
    if (typeof fileValues !== 'object' || fileValues === null || Array.isArray(fileValues)) {
      throw new ConfigError(`PARLEY_CONFIG: ${path} must hold a JSON object of settings`);
    }
  }
  // Environment wins over the file; empty variables count as unset.
  const merged: Record<string, unknown> = { ...fileValues };
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  return { ...c, publicUrl: (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/$/, '') };
}

/** How many server processes `parley start` runs (see WORKERS). */
export function workerCount(config: Pick<Config, 'WORKERS' | 'NODE_ENV'>): number {
  const wanted = config.WORKERS ?? (config.NODE_ENV === 'production' ? 'auto' : 1);
  // "auto" stops at 16: past that, SQLite's single writer and memory (a worker holds its own
  // page cache and guard registers) matter more than cores; a number is taken as given.
  return wanted === 'auto' ? Math.min(availableParallelism(), 16) : wanted;
}

/**
 * PostgreSQL connections of one server process: DATABASE_CONNECTIONS shared among the workers (at
 * least one each). Unset: two per CPU for the whole server (at most 20), at least 2 a worker and at
 * most 10 a process. More backends than the cores can run only take turns: on 2 cores, 4 in all
 * ran the topic page 6–7 % faster than 20 (2: 20–25 %), with a quarter less PostgreSQL CPU a page
 * (docs/benchmarks.md, session 20). Two a worker, so one slow query (a search) does not hold up
 * the worker's other pages. Nothing holds a connection while asking for another (every test passes
 * on a pool of one: PARLEY_TEST_DATABASE_CONNECTIONS, test/helpers/databases.ts).
 */
export function databaseConnections(config: Pick<Config, 'WORKERS' | 'NODE_ENV' | 'DATABASE_CONNECTIONS'>, workers = workerCount(config), cores = availableParallelism()): number {
  if (config.DATABASE_CONNECTIONS) return Math.max(1, Math.ceil(config.DATABASE_CONNECTIONS / workers));
  return Math.min(10, Math.max(2, Math.ceil(Math.min(20, 2 * cores) / workers)));
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: false (off), a hop count, or a list of proxy
 * addresses / CIDR ranges (and proxy-addr's names loopback, linklocal, uniquelocal). `true`
 * (believe any X-Forwarded-For) is deliberately not offered: a client could choose its own address
 * and escape every per-address limit. A string starting with "!" is the error to report.
 */
export function parseTrustProxy(raw: string): false | number | string[] | string {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === 'no' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : '!a hop count must be at most 10';
  }
  if (v === 'true' || v === 'on' || v === '*') return '!must name the proxies (addresses or CIDRs) or a hop count: trusting every peer lets any client choose its address';
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const entry of list) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) continue;
    const [addr, bits, ...rest] = entry.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits))) {
      return `!"${entry}" is not an IP address or CIDR range (expected e.g. 10.0.0.1, 10.0.0.0/8, ::1, loopback, or a hop count)`;
    }
  }
  return list.length ? list : false;
}
