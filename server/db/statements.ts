/** The database handle type and prepared statements, cached per connection (below every other database module). */
import type Database from 'better-sqlite3';

export type DB = Database.Database;

const statements = new WeakMap<DB, Map<string, Database.Statement>>();

/**
 * The statement for `sql`, prepared once per connection: preparing is most of what a small query costs, and the
 * upload path runs a dozen of them per request. SQL built from a bounded set of clauses only (never from values).
 */
export function stmt(db: DB, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) {
    // A bound on what a bug building SQL from values could hold; the real set is a few dozen statements.
    if (cache.size >= 1000) cache.clear();
    cache.set(sql, (s = db.prepare(sql)));
  }
  return s;
}
