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
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
