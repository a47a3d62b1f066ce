/**
 * The daily privacy job (README "Retention"): anonymises people with no contact for the retention
 * period (RELAIS_RETENTION_MONTHS, 24 by default) and mandates ended that long ago, drops the
 * copies of refused changes older than 90 days, and purges audit entries older than a year. Run by
 * the server at start and every 24 h, and once by `npm run retention`. The clock is injected.
 * It logs counts only.
 */
import { retentionCutoff } from '../domain/anonymise';
import { parisDate } from '../domain/dates';
import type { Repository, RetentionCounts } from './store/repository';

export const AUDIT_KEPT_DAYS = 365;
export const DAILY_MS = 24 * 3600 * 1000;

export interface DailyReport extends RetentionCounts {
  cutoff: string;
  copiesSwept: number;
  auditPurged: number;
}

export async function runDailyJob(repo: Repository, now: Date, months: number): Promise<DailyReport> {
  const at = now.toISOString();
  const cutoff = retentionCutoff(parisDate(now), months);
  // A store without the privacy methods (PostgreSQL so far) only sweeps the review copies.
  const counts = (await repo.anonymiseInactive?.(cutoff, at)) ?? { people: 0, mandates: 0, accompaniments: 0, followups: 0, opCopies: 0 };
  const copiesSwept = await repo.purgeExpiredCopies(at);
  const auditPurged = (await repo.purgeAudit?.(new Date(now.getTime() - AUDIT_KEPT_DAYS * 86_400_000).toISOString())) ?? 0;
  return { cutoff, ...counts, copiesSwept, auditPurged };
}

/** One line for the server's log: counts only. */
export const describeDailyReport = (r: DailyReport) =>
  `Conservation (contacts avant le ${r.cutoff}) : ${r.people} personne(s), ${r.mandates} mandat(s), ${r.accompaniments} accompagnement(s), ` +
  `${r.followups} suivi(s) anonymisés ; ${r.opCopies + r.copiesSwept} copie(s) de modifications refusées et ${r.auditPurged} entrée(s) du journal purgées.`;

/** Runs the job now and every 24 h; returns a function that stops it. */
export function scheduleDailyJob(repo: Repository, months: number, log: (line: string) => void, clock: () => Date = () => new Date()): () => void {
  const run = () =>
    void runDailyJob(repo, clock(), months)
      .then((r) => log(describeDailyReport(r)))
      .catch((error: Error) => log(`Conservation : échec (${error.message}).`));
  run();
  const timer = setInterval(run, DAILY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
