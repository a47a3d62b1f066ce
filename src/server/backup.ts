/**
 * Backup and restore of the SQLite database (README "Backups").
 *
 * Guarantees:
 * - `backupDatabase` takes a consistent snapshot while the server runs (SQLite's online backup
 *   API), written to a temporary file and renamed into place only once complete, as one
 *   self-contained file (rollback journal, no -wal);
 * - the copy gets a fresh database identity, and `restoreDatabase` stamps another one: every
 *   pull cursor handed out before answers `409 cursor_reset`, so tablets pull again from the start
 *   and resend what the restored server lacks, instead of silently skipping changes;
 * - `restoreDatabase` refuses to run while the database is open (server running), checks the
 *   backup first, keeps the replaced database aside (`relais.sqlite.before-restore-…`), and never
 *   leaves an old -wal/-shm next to the restored file.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stampNewIdentity } from './store/sqlite/migrations';

const stamp = (d = new Date()) => d.toISOString().slice(0, 19).replace(/:/g, '-');

/** The dated default: `<data dir>/backups/relais-2026-11-29T02-30-00.sqlite`. */
export const defaultBackupFile = (dbFile: string, now = new Date()) => path.join(path.dirname(dbFile), 'backups', `relais-${stamp(now)}.sqlite`);

/** Gives a closed database file a fresh identity, in rollback-journal mode (one self-contained file). */
function renewIdentity(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const hasIdentity = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'identity'`).get();
    // A database from before identities gets one from its migration at the next start: new too.
    return hasIdentity ? stampNewIdentity(db) : '';
  } finally {
    db.close();
  }
}

/** A consistent snapshot of `dbFile` (safe while the server runs) into `target`; returns the copy's identity. */
export async function backupDatabase(dbFile: string, target = defaultBackupFile(dbFile)): Promise<{ file: string; dbId: string }> {
  if (!existsSync(dbFile)) throw new Error(`Base introuvable : ${dbFile}`);
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const source = new Database(dbFile, { fileMustExist: true, timeout: 5000 });
  try {
    await source.backup(partial);
  } finally {
    source.close();
  }
  const dbId = renewIdentity(partial);
  renameSync(partial, target);
  return { file: target, dbId };
}

/** Whether another connection (a running server) has the database open. */
function inUse(dbFile: string): boolean {
  const db = new Database(dbFile, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch {
    return true;
  } finally {
    // The last connection to close folds the WAL back into the file.
    db.close();
  }
}

function checkBackup(file: string): void {
  if (!existsSync(file)) throw new Error(`Sauvegarde introuvable : ${file}`);
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new Error('Sauvegarde endommagée (quick_check).');
    if ((db.pragma('user_version', { simple: true }) as number) < 1) throw new Error('Ce fichier n’est pas une base Relais.');
  } finally {
    db.close();
  }
}

/** Replaces `dbFile` with the backup `source` (server stopped); returns the new identity and where the old file went. */
export function restoreDatabase(dbFile: string, source: string): { dbId: string; previous: string | null } {
  checkBackup(source);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  let previous: string | null = null;
  if (existsSync(dbFile)) {
    if (inUse(dbFile)) throw new Error('La base est ouverte : arrêtez le serveur avant de restaurer.');
    previous = `${dbFile}.before-restore-${stamp()}`;
    renameSync(dbFile, previous);
  }
  // An old -wal must never be replayed onto the restored file.
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(dbFile + suffix, { force: true });
  const restoring = `${dbFile}.restoring`;
  copyFileSync(source, restoring);
  const dbId = renewIdentity(restoring);
  renameSync(restoring, dbFile);
  return { dbId, previous };
}
