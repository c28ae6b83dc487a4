// Prepared statements on PostgreSQL: the hot reads (src/db/prepared.ts, the one-statement topic
// and board pages) have fixed SQL texts, so each connection parses and plans them once, as a named
// statement, instead of on every page view (the board page's planning alone was ~0.7 ms, five
// times its execution). Other queries stay unnamed: their texts vary (IN lists), and each name
// holds a statement open on every connection for as long as it lives.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.ts';

const names = new Map<string, string>();

/** Marks an SQL text as a hot, fixed-shape read: it runs as a named prepared statement. */
export function nameStatement(text: string): void {
  if (!names.has(text) && names.size < 1000) names.set(text, `parley_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`);
}

/** Sends the named texts of a pool's clients as prepared statements (pg keeps them per connection). */
export function prepareNamedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof text === 'string' && callback === undefined ? names.get(text) : undefined;
      return name ? query({ name, text, values }) : callback === undefined ? query(text, values) : query(text, values, callback);
    };
  });
}

/** Runs a fixed-shape raw statement as a named prepared statement. */
export async function executeNamed<Row>(db: Kysely<DB>, query: RawBuilder<Row>) {
  const compiled = query.compile(db);
  nameStatement(compiled.sql);
  return db.executeQuery(compiled);
}

/** The types a value hidden from the planner is cast to (unseenByPlanner). */
export type UnseenType = 'integer' | 'text' | 'integer[]' | 'tsquery';

/**
 * A value as a scalar subquery, `(select cast($n as type))`: PostgreSQL cannot see it when it plans,
 * so a named statement's custom plans cost what its generic plan does and it is planned once per
 * connection. With the value visible, a custom plan for a rare value (a long list of known authors,
 * a page key, a rare word) looked cheaper than the generic one, and PostgreSQL planned the
 * statement again on every call (0.45–2 ms, often more than running it). An index scan still uses
 * the value, as it uses any other InitPlan's. PostgreSQL only.
 */
export function unseenByPlanner<T = unknown>(value: unknown, type: UnseenType): RawBuilder<T> {
  const subquery = sql<T>`(select cast(${value} as ${sql.raw(type)}))`;
  // An array is cast once more outside: `x <> all((select ...))` would compare x with the
  // subquery's rows (an integer with an integer[]: an error), not with the array's elements.
  return type.endsWith('[]') ? sql<T>`${subquery}::${sql.raw(type)}` : subquery;
}

/**
 * More scalar subqueries to read in a page's one statement (the header's counts: src/accounts/
 * signed-in-facts.ts), by name: a page's statement returns their values as one JSON column, so
 * that the page's own columns stay as they are. PostgreSQL only.
 */
export type ExtraColumns = Record<string, Expression<unknown>>;

/** The extra columns as one JSON object column named `as` (with its leading comma), or nothing. */
export function extraColumns(extra: ExtraColumns | null | undefined, as: string): RawBuilder<unknown> {
  const entries = extra ? Object.entries(extra) : [];
  if (!entries.length) return sql``;
  return sql`, json_build_object(${sql.join(entries.map(([name, e]) => sql`${sql.lit(name)}::text, (${e})`))}) as ${sql.id(as)}`;
}
