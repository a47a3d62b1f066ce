/**
 * `npm run retention`: runs the daily privacy job once (retentionJob.ts) on the configured store
 * (PostgreSQL when `DATABASE_URL` is set, else `RELAIS_DATA_DIR/relais.sqlite`), safe while the
 * servers run (its writes in one transaction; on SQLite its scan holds no write lock), and prints
 * its counts. Exits 1 on failure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { retentionMonths } from '../domain/anonymise';
import { describeDailyReport, runDailyJob } from './retentionJob';
import { openRepository } from './store/open';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.resolve(process.env.RELAIS_DATA_DIR ?? path.join(root, 'data'));

try {
  const months = retentionMonths(process.env.RELAIS_RETENTION_MONTHS);
  const repo = await openRepository({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir });
  try {
    console.log(describeDailyReport(await runDailyJob(repo, new Date(), months)));
  } finally {
    await repo.close();
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
