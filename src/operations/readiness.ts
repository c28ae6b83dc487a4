// `/readyz` for load balancers and orchestrators: 200 when this server can serve (its database
// answers and every migration this version knows is applied), else 503, so traffic goes to
// another server. `/healthz` (process up) stays separate: a server whose database is away is
// alive and will recover; restarting it would not help. Answers carry states, never error text
// (which could name hosts or users).
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { migrationNames } from '../db/migrate.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  migrations: 'ok' | 'pending' | 'unknown';
  /** Redis (REDIS_URL): a server whose Redis is away still serves, alone (src/cluster/redis.ts),
   * so it stays ready; the state is shown for monitoring. */
  redis: 'ok' | 'unreachable' | 'off';
}

/** How long the database may take to answer before the server counts as not ready. */
const CHECK_TIMEOUT_MS = 3000;

export function readinessCheck(database: Database, redisUp: (() => boolean) | null = null): () => Promise<Readiness> {
  const wanted = migrationNames();
  // Applied migrations are not undone while a server runs: once all are there, stop asking which.
  let migrated = false;
  return async () => {
    const redis = redisUp ? (redisUp() ? 'ok' : 'unreachable') : 'off';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS)));
    try {
      try {
        await Promise.race([sql`select 1`.execute(database.db), timeout]);
      } catch {
        return { ready: false, database: 'unreachable', migrations: migrated ? 'ok' : 'unknown', redis };
      }
      if (!migrated) {
        // No migration table yet counts as pending, as does a missing migration.
        const rows = await Promise.race([database.db.selectFrom('kysely_migration' as never).select('name' as never).execute() as Promise<Array<{ name: string }>>, timeout]).catch(() => []);
        const applied = new Set(rows.map((r) => r.name));
        migrated = wanted.every((m) => applied.has(m));
      }
      return { ready: migrated, database: 'ok', migrations: migrated ? 'ok' : 'pending', redis };
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function readinessRoutes(app: FastifyInstance): Promise<void> {
  const check = readinessCheck(app.database, app.redis ? app.redis.up : null);
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const state = await check();
    return reply.code(state.ready ? 200 : 503).header('cache-control', 'no-store').send(state);
  });
}
