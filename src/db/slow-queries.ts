// The slow-query log (SLOW_QUERY_MS): a query that takes longer is logged with the route that ran
// it (e.g. "GET /t/:slug/:id") and its SQL text. Kysely compiles every value into a parameter, so
// the text holds no user input; parameters are never logged (they are ids, names, e-mail addresses).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SlowQuery {
  route: string;
  ms: number;
  sql: string;
}

/** What is running the current query: a route (set per request by the web server) or a task. */
export const queryOrigin = new AsyncLocalStorage<string>();

let thresholdMs = 0;
let sink: ((q: SlowQuery) => void) | null = null;

/** Logs queries slower than `ms` (0: off) to `log`. One setting per process. */
export function logSlowQueries(ms: number, log: ((q: SlowQuery) => void) | null): void {
  thresholdMs = ms;
  sink = ms > 0 ? log : null;
}

/** Whether queries should be timed at all (the direct SQLite reads skip the clock when off). */
export function timingQueries(): boolean {
  return sink !== null;
}

export function noteQuery(ms: number, sql: string): void {
  if (!sink || ms < thresholdMs) return;
  // One line per query: statements are short, but a long IN list is cut.
  sink({ route: queryOrigin.getStore() ?? 'background', ms: Math.round(ms * 10) / 10, sql: sql.length > 500 ? `${sql.slice(0, 500)}…` : sql });
}
