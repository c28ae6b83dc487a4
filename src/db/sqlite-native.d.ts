import type BetterSqlite3 from 'better-sqlite3';

/** The better-sqlite3 Database constructor for this Node version (12 on Node 20, 13 on 22+). */
export const SQLite: typeof BetterSqlite3;
