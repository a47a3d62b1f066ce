/**
 * `npm run retention`: runs the daily privacy job once (retentionJob.ts) on
 * `RELAIS_DATA_DIR/relais.sqlite`, safe while the server runs (one write transaction, WAL), and
 * prints its counts. Exits 1 on failure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { retentionMonths } from '../domain/anonymise';
import { describeDailyReport, runDailyJob } from './retentionJob';
import { SqliteRepository } from './store/sqlite/sqliteRepository';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dbFile = path.join(path.resolve(process.env.RELAIS_DATA_DIR ?? path.join(root, 'data')), 'relais.sqlite');

try {
  const months = retentionMonths(process.env.RELAIS_RETENTION_MONTHS);
  const repo = SqliteRepository.open(dbFile);
  try {
    console.log(describeDailyReport(await runDailyJob(repo, new Date(), months)));
  } finally {
    await repo.close();
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
