/**
 * `npm run migrate`: applies the migrations of the configured store and exits (servers also
 * apply them at start). With `DATABASE_URL`, under PostgreSQL's advisory lock (safe while other
 * servers start); `--new-identity` stamps a new database identity after restoring a PostgreSQL
 * backup by hand (docs/deployment.md): every tablet's next pull answers `cursor_reset`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migratePg } from './store/postgres/migrations';
import { openPool } from './store/postgres/pool';
import { SqliteRepository } from './store/sqlite/sqliteRepository';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const url = process.env.DATABASE_URL;
const newIdentity = process.argv.includes('--new-identity');

try {
  if (url) {
    const pool = openPool(url, 1);
    try {
      const version = await migratePg(pool, { newIdentity });
      console.log(`PostgreSQL : schéma à jour (version ${version})${newIdentity ? ', nouvelle identité de base' : ''}.`);
    } finally {
      await pool.end();
    }
  } else {
    if (newIdentity) throw new Error('--new-identity concerne PostgreSQL ; pour SQLite, npm run restore le fait.');
    const repo = SqliteRepository.open(path.join(path.resolve(process.env.RELAIS_DATA_DIR ?? path.join(root, 'data')), 'relais.sqlite'));
    await repo.close();
    console.log('SQLite : schéma à jour.');
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
