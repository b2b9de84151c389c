/**
 * The database's file in the data folder (`<data>/redsite.sqlite`): the one place its name is written. This module
 * imports nothing: every CLI command checks `--data` with it (cli/data-dir.ts) before the command's own module loads,
 * and `redsite score` must start without loading better-sqlite3 (test/cli/bundle.test.ts).
 */
export const DB_FILE = 'redsite.sqlite';
