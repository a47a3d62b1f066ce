// The storage engine the server and sync tests run on: SQLite (a real file in a temporary folder)
// by default, PostgreSQL in the `*-pg` test projects (RELAIS_TEST_ENGINE=postgres, DATABASE_URL
// set): each test store gets a fresh schema of its own (`t_<random>`, found through the
// connection's search_path), dropped when it closes, so test files run in parallel.
// `sql()` reads the store directly with either engine (`?` placeholders).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { PostgresRepository } from '../../src/server/store/postgres/postgresRepository';
import type { Repository } from '../../src/server/store/repository';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';

export const ENGINE: 'sqlite' | 'postgres' = process.env.RELAIS_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

export interface TestStore {
  repo: Repository;
  /** Rows of a query, `?` placeholders, on either engine. */
  sql: (query: string, ...args: unknown[]) => Promise<Row[]>;
  /** The first row (or undefined). */
  one: (query: string, ...args: unknown[]) => Promise<Row | undefined>;
  /** The connection string of this store's schema (PostgreSQL), for other servers on the same data. */
  url?: string;
  /** Closes the store (keeps the data: `open` again gives it back). */
  close: () => Promise<void>;
  /** Closes and removes the data. */
  destroy: () => Promise<void>;
}

/** A connection string whose sessions use `schema` first. */
export const schemaUrl = (schema: string) =>
  `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** A fresh empty schema (PostgreSQL); returns its name. */
export async function freshSchema(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await c.end();
  }
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

const toPg = (query: string) => {
  let n = 0;
  return query.replace(/\?/g, () => `$${++n}`);
};

/** Opens the test store living in `dir` (SQLite) or in `schema` (PostgreSQL; a new one if absent). */
export async function openTestStore(dir: string, schema?: string): Promise<TestStore & { schema?: string }> {
  if (ENGINE === 'sqlite') {
    const repo = SqliteRepository.open(path.join(dir, 'relais.sqlite'));
    const sql = async (query: string, ...args: unknown[]) => repo.db.prepare(query).all(...args) as Row[];
    return { repo, sql, one: async (q, ...a) => (await sql(q, ...a))[0], close: () => repo.close(), destroy: () => repo.close() };
  }
  const name = schema ?? (await freshSchema());
  const url = schemaUrl(name);
  const repo = await PostgresRepository.open(url, { poolSize: 4 });
  const sql = async (query: string, ...args: unknown[]) => (await repo.pool.query(toPg(query), args)).rows as Row[];
  return {
    repo,
    sql,
    one: async (q, ...a) => (await sql(q, ...a))[0],
    url,
    schema: name,
    close: () => repo.close(),
    destroy: async () => {
      await repo.close();
      await dropSchema(name);
    },
  };
}

/**
 * The environment of a server child process (`node … main.ts`) on its own store: a data folder
 * on SQLite (DATABASE_URL emptied), or a fresh schema on PostgreSQL; `drop` removes it.
 */
export async function childStore(dataDir: string): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (ENGINE === 'sqlite') return { env: { RELAIS_DATA_DIR: dataDir, DATABASE_URL: '' }, drop: async () => undefined };
  const schema = await freshSchema();
  return { env: { RELAIS_DATA_DIR: dataDir, DATABASE_URL: schemaUrl(schema) }, drop: () => dropSchema(schema) };
}
