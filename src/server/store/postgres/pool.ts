/**
 * Opens a PostgreSQL pool (node-postgres) from `DATABASE_URL`, with the settings every query of
 * the store relies on: 64-bit integers (`bigint` seqs, `COUNT(*)`) come back as JS numbers (they
 * stay far below 2^53), and `transaction()` runs a function in one transaction, retrying it when
 * PostgreSQL aborted it for a concurrent writer (deadlock, serialization failure, or a unique key
 * taken by another server's batch committed meanwhile): the retry sees that batch and answers
 * accordingly (e.g. `duplicate`).
 */
import pg from 'pg';

const INT8 = 20;

export function openPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (server restart, failover) must not crash the process.
  pool.on('error', (error) => console.error(`PostgreSQL : ${error.message}`));
  return pool;
}

/** SQLSTATEs after which the whole transaction is run again (a unique key only when asked). */
const RETRYABLE = new Set(['40P01', '40001']);
const UNIQUE_VIOLATION = '23505';

export async function transaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, options: { retryUnique?: boolean } = {}): Promise<T> {
  const attempts = 8;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || !code || !(RETRYABLE.has(code) || (options.retryUnique && code === UNIQUE_VIOLATION))) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    } finally {
      client.release();
    }
  }
}
