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

/**
 * How long a session may wait, so a stuck one fails fast (503 `unavailable`, errors.ts) instead of
 * hanging every server behind it: a connection (ms), a lock, a statement, and a transaction left
 * open by a client that stopped talking. A push batch takes well under a second.
 */
export interface PoolTimeouts {
  connectMs: number;
  lockMs: number;
  statementMs: number;
  idleInTransactionMs: number;
}
export const DEFAULT_TIMEOUTS: PoolTimeouts = { connectMs: 10_000, lockMs: 20_000, statementMs: 30_000, idleInTransactionMs: 60_000 };

export function openPool(connectionString: string, max = 10, timeouts: PoolTimeouts = DEFAULT_TIMEOUTS): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: timeouts.connectMs,
    lock_timeout: timeouts.lockMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (server restart, failover) must not crash the process.
  pool.on('error', (error) => console.error(`PostgreSQL : ${error.message}`));
  return pool;
}

/** Errors meaning "the database is busy or out of reach", not a bug: answered 503 (errors.ts). */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // 57014 statement timeout, 55P03 lock timeout, 25P03 idle in transaction, 57P01-03 shutdown.
  if (e.code && ['57014', '55P03', '25P03', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET'].includes(e.code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated/.test(e.message ?? '');
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
