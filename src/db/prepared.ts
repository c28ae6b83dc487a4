// Kysely builds and compiles a query on every call: for a join with aliases that is ~100 µs,
// as much as SQLite needs to run it. Hot read paths (the topic page) build theirs once per
// database handle instead. `build` is called with unique placeholder values; each call then
// puts the real values in their places in the compiled parameter list.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { directReadFor } from './database.ts';
import { nameStatement } from './named-statements.ts';

type Placeholders<Args extends readonly unknown[]> = { [K in keyof Args]: Args[K] };

export function preparedQuery<Args extends readonly unknown[], Row>(
  placeholders: Placeholders<Args>,
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<Row[]> {
  const compiledFor = new WeakMap<Kysely<DB>, { query: CompiledQuery<Row>; positions: [number, number][]; direct: ReturnType<typeof directReadFor> }>();
  return async (db, ...args) => {
    let entry = compiledFor.get(db);
    if (!entry) {
      const query = build(db, ...(placeholders as unknown as Args)).compile();
      // Every parameter that is a placeholder takes its argument (a value may be used several
      // times, e.g. the reader's id in two subqueries); each placeholder must appear.
      const positions: [at: number, arg: number][] = [];
      query.parameters.forEach((value, at) => {
        const arg = placeholders.indexOf(value as Args[number]);
        if (arg >= 0) positions.push([at, arg]);
      });
      for (const [arg, p] of placeholders.entries()) {
        if (!positions.some(([, a]) => a === arg)) throw new Error(`preparedQuery: placeholder ${String(p)} does not appear in the query`);
      }
      entry = { query, positions, direct: directReadFor(db) };
      if (!entry.direct) nameStatement(query.sql); // PostgreSQL: a named prepared statement
      compiledFor.set(db, entry);
    }
    const parameters = [...entry.query.parameters];
    for (const [at, arg] of entry.positions) parameters[at] = args[arg];
    const rows = entry.direct?.(entry.query.sql, parameters);
    if (rows) return rows as Row[];
    const result = await db.executeQuery<Row>({ ...entry.query, parameters });
    return result.rows;
  };
}

/** A distinct text placeholder that no real value takes (for a slug or a tag). */
export const S1 = '\u0000parley-placeholder-1';

/** Distinct numeric placeholders that no real id or count takes. */
export const P1 = -7_301_001;
export const P2 = -7_301_002;
export const P3 = -7_301_003;
export const P4 = -7_301_004;
/** A second distinct text placeholder. */
export const S2 = '\u0000parley-placeholder-2';
