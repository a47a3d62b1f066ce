/**
 * Opens the SQLite file with the settings every write relies on: WAL, synchronous=FULL (an
 * answered push survives a power cut), a busy timeout, foreign keys. The handle is then injected
 * into the repository; nothing on the server holds a database in a module-level global.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // 16 KiB pages for a new file (an existing one keeps its size): a push batch dirties a quarter
  // as many pages (random UUID keys touch most index leaves), so each commit writes fewer WAL frames.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
