/**
 * Chooses the storage engine: PostgreSQL when `DATABASE_URL` is set (several app servers on one
 * database), otherwise the embedded SQLite file in the data folder (nothing to set up).
 */
import path from 'node:path';
import { PostgresRepository } from './postgres/postgresRepository';
import type { Repository } from './repository';
import { SqliteRepository } from './sqlite/sqliteRepository';

export interface StoreConfig {
  databaseUrl?: string;
  dataDir: string;
}

export async function openRepository(config: StoreConfig): Promise<Repository> {
  if (config.databaseUrl) return PostgresRepository.open(config.databaseUrl);
  return SqliteRepository.open(path.join(config.dataDir, 'relais.sqlite'));
}

/** Where the data is, for the start message (never the password of a URL). */
export function describeStore(config: StoreConfig): string {
  if (!config.databaseUrl) return config.dataDir;
  try {
    const u = new URL(config.databaseUrl);
    return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
