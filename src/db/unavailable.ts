// Errors that mean "the database cannot be reached right now" (PostgreSQL restarting, a network
// cut, a pool that cannot connect, SQLite locked past its busy timeout), as opposed to a bug or
// bad data. A request that meets one gets a clear 503 with Retry-After — the load balancer or the
// person tries again — rather than a 500 "Server error". The write it carried was in a
// transaction that did not commit, so nothing is half-written.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
// PostgreSQL SQLSTATE classes 08 (connection exception), 57P0x (operator intervention: shutdown,
// crash, cannot connect now), 53300 (too many connections).
const PG_STATE = /^(08\d{3}|57P0[1-4]|53300)$/;
const MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|database system is (starting up|shutting down)|terminating connection/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (CONNECTION_CODES.has(code) || PG_STATE.test(code)) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  }
  return false;
}
