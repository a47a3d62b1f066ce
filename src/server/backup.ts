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
 *   leaves an old -wal/-shm next to the restored file;
 * - people erased in the replaced database are erased again in the restored one (a backup
 *   predates them): a restore never brings an erased person back.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SqliteAudit } from './store/sqlite/audit';
import { openSqliteDatabase } from './store/sqlite/database';
import { SqliteErasure } from './store/sqlite/erasure';
import { migrate, stampNewIdentity } from './store/sqlite/migrations';
import { KeptCopies } from './store/sqlite/retention';

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
export function restoreDatabase(dbFile: string, source: string): { dbId: string; previous: string | null; reErased: number } {
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
  const reErased = previous ? reapplyErasures(previous, restoring) : 0;
  renameSync(restoring, dbFile);
  return { dbId, previous, reErased };
}

/**
 * A backup predates the erasures made since it was taken: the people erased in the database being
 * replaced (`previous`) are erased again in the restored one (same transaction as an erasure
 * requested by the coordinator, recorded in the audit log as the system's), so a restore never
 * brings an erased person back. Returns how many people were erased again.
 */
function reapplyErasures(previous: string, restored: string): number {
  const old = new Database(previous, { fileMustExist: true, readonly: true });
  let ids: string[];
  try {
    const has = old.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'erased'`).get();
    ids = has ? (old.prepare(`SELECT DISTINCT person_id FROM erased`).pluck().all() as string[]) : [];
  } finally {
    old.close();
  }
  if (ids.length === 0) return 0;
  const db = openSqliteDatabase(restored);
  try {
    migrate(db);
    const erasure = new SqliteErasure(db, new KeptCopies(db), new SqliteAudit(db));
    const now = new Date().toISOString();
    let n = 0;
    for (const id of ids) {
      // Audited (in the erasure's transaction) only when something of her had come back.
      const result = erasure.run({ userId: 'system', role: 'coordinator', deviceId: null, name: 'Restauration' }, id, now, false);
      if (result.status !== 'erased' || result.counts.people + result.counts.mandates + result.counts.followups + result.counts.accompaniments === 0) continue;
      n++;
    }
    db.pragma('journal_mode = DELETE');
    return n;
  } finally {
    db.close();
  }
}
