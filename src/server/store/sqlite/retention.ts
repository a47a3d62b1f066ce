/**
 * Retention of the copies of refused and conflicting changes (`ops.data`, `ops.current`): they
 * hold personal data, so they are kept only until the change is resolved or for 90 days,
 * whichever comes first. "Resolved": a later op of the same record by the same user is applied
 * (the device resent or fixed it), or the record is deleted (then every user's copies go).
 * The op row itself stays (status, version, fields): a resent opId still gets its final answer.
 * Purging runs inside the push transaction, for the records the batch writes; the 90-day sweep
 * runs in a push at most once an hour (and so also at the first push after a start).
 * Erasing a person and anonymising records (erasure.ts, anonymise.ts) drop their copies at once.
 */
import type Database from 'better-sqlite3';

export const KEPT_COPIES_DAYS = 90;
export const SWEEP_EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class KeptCopies {
  private readonly s;
  private nextSweep = 0;

  constructor(db: Database.Database) {
    const kept = `(data IS NOT NULL OR current IS NOT NULL)`;
    this.s = {
      // Through the small partial index of kept copies, one probe per listed id (a JOIN on
      // json_each: `IN (SELECT value FROM json_each(?))` sorted the list first, 4 times slower).
      among: db
        .prepare(`SELECT DISTINCT o.record_id FROM json_each(?) j JOIN ops o ON o.record_id = j.value WHERE (o.data IS NOT NULL OR o.current IS NOT NULL)`)
        .pluck(),
      purgeOwn: db.prepare(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = ? AND user_id = ? AND ${kept}`),
      purgeAll: db.prepare(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = ? AND ${kept}`),
      // After 90 days the field reasons go too: an unknown key's name can itself be personal data.
      sweep: db.prepare(`UPDATE ops SET data = NULL, current = NULL, fields = NULL WHERE received_at < ? AND ${kept}`),
      // Erasure and anonymisation: every user's copies of the listed records, field reasons included.
      forget: db.prepare(
        `UPDATE ops SET data = NULL, current = NULL, fields = NULL WHERE record_id IN (SELECT value FROM json_each(?)) AND (${kept} OR fields IS NOT NULL)`,
      ),
    };
  }

  /** The record ids, among `ids` (a JSON array), that have kept copies. */
  among(ids: string): Set<string> {
    return new Set(this.s.among.all(ids) as string[]);
  }

  /** An op of `recordId` by `userId` was applied: its earlier refused copies are resolved. */
  resolved(recordId: string, userId: string, deleted: boolean): void {
    if (deleted) this.s.purgeAll.run(recordId);
    else this.s.purgeOwn.run(recordId, userId);
  }

  /** Drops every copy (and field reasons) of the listed records: they were erased or anonymised. Returns how many ops lost them. */
  forget(recordIds: readonly string[]): number {
    return recordIds.length ? this.s.forget.run(JSON.stringify(recordIds)).changes : 0;
  }

  /** Drops copies older than 90 days; runs at most once an hour (call it inside a write transaction). */
  sweepIfDue(now: string): number {
    return Date.parse(now) < this.nextSweep ? 0 : this.sweep(now);
  }

  sweep(now: string): number {
    const t = Date.parse(now);
    this.nextSweep = t + SWEEP_EVERY_MS;
    return this.s.sweep.run(new Date(t - KEPT_COPIES_DAYS * DAY_MS).toISOString()).changes;
  }
}
