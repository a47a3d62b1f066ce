/**
 * The retention job on SQLite (domain.md §5; Repository.anonymiseInactive says what changes; the
 * rules are domain/anonymise.ts's). Decided in a read transaction, then written in one IMMEDIATE
 * transaction, from that decision if no record changed meanwhile, else from a new one (`run`):
 * the write lock is held for the writes, not for the scan; set-based, so a first run over years
 * of data reads each table once:
 * 1. the last contact of every person: the latest date not after today (Paris) among her consent
 *    date, the days the server first stored and last changed her record, and the dates of the live accompaniments (date), mandates (signed, expiry,
 *    revocation) and follow-ups (due, done) naming her or an id merged into her (one grouped
 *    query, by `json_extract`);
 * 2. people whose last contact is before the cutoff are anonymised (names become « Anonyme »,
 *    phone and note null; birth year, gender, situation, residence, QPV, consent date kept), and
 *    so are the personal fields of the records naming them;
 * 3. live mandates that ended before the cutoff are anonymised (actions, paper location);
 * 4. op-log copies of every record of these people and of those mandates are purged.
 * A record already anonymised is never written again: a second run writes nothing, and no new
 * version reaches the tablets. Each record written gets a new version and `seq` (tablets pull it).
 */
import type Database from 'better-sqlite3';
import { anonymisedData, isAnonymised, lastContact, latestDate, mandateEndedBefore } from '../../../domain/anonymise';
import { parisDate } from '../../../domain/dates';
import type { Entity, MandateData } from '../../../domain/records';
import { RETENTION_ACTOR, retentionAuditEntry } from '../auditRows';
import type { RetentionCounts } from '../repository';
import type { SqliteAudit } from './audit';
import type { KeptCopies } from './retention';
import { RecordRewriter } from './rewrite';

interface Row {
  id: string;
  entity: Entity;
  version: number;
  data: string;
}

export class SqliteAnonymise {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly kept: KeptCopies,
    private readonly audit: SqliteAudit,
  ) {
    const pid = `json_extract(data, '$.beneficiaryId')`;
    // Only dates up to today (the `today` parameter) count as contact: a date in the future does not.
    const j = (field: string) => `CASE WHEN json_extract(data, '$.${field}') <= @today THEN json_extract(data, '$.${field}') END`;
    this.s = {
      people: db.prepare(
        `SELECT id, version, data, substr(created_at, 1, 10) AS created_on, substr(updated_at, 1, 10) AS updated_on FROM records WHERE entity = 'beneficiary' AND deleted = 0`,
      ),
      merges: db.prepare(`SELECT duplicate_id AS id, survivor_id AS survivor FROM merges`),
      // The latest date of each kind, per person id named (MAX ignores nulls).
      contacts: db.prepare(
        `SELECT ${pid} AS pid, MAX(${j('date')}) AS a, MAX(${j('signedOn')}) AS b, MAX(${j('expiresOn')}) AS c, MAX(${j('revokedOn')}) AS d,
           MAX(${j('dueOn')}) AS e, MAX(${j('doneOn')}) AS f
         FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0 AND ${pid} IS NOT NULL GROUP BY ${pid}`,
      ),
      referencing: db.prepare(
        `SELECT id, entity, version, data FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0
         AND ${pid} IN (SELECT value FROM json_each(?))`,
      ),
      mandates: db.prepare(`SELECT id, entity, version, data FROM records WHERE entity = 'mandate' AND deleted = 0`),
      seq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`).pluck(),
    };
  }

  /**
   * Decided first in a read transaction (WAL: the scan takes no write lock, so the server's
   * pushes go on while it reads years of records, even from `npm run retention` in another
   * process); then written under the write lock (IMMEDIATE) from that decision if no record has
   * changed since (every write of a record, a merge's included, takes a new seq), or else from a
   * decision taken again under the lock. The purge of copies and the audit entry are written
   * under the lock too.
   */
  run(cutoff: string, now: string): RetentionCounts {
    const planned = this.db.transaction(() => ({ ...this.decide(cutoff, now), seq: this.s.seq.get() as number })).deferred();
    return this.db
      .transaction((): RetentionCounts => {
        const { counts, rewrites, touched } = (this.s.seq.get() as number) === planned.seq ? planned : this.decide(cutoff, now);
        const writer = new RecordRewriter(this.db, { userId: RETENTION_ACTOR.userId, deviceId: null }, now);
        for (const r of rewrites) writer.write(r, false, anonymisedData(r.entity, r.parsed));
        // 4. Their op-log copies.
        counts.opCopies = this.kept.forget(touched);
        writer.finish();
        this.audit.add(retentionAuditEntry(now, counts));
        return counts;
      })
      .immediate();
  }

  /** Steps 1 to 3, reads only: the records to anonymise (with their parsed data) and those whose copies go. */
  private decide(cutoff: string, now: string): { counts: RetentionCounts; rewrites: (Row & { parsed: object })[]; touched: string[] } {
    const s = this.s;
    const counts: RetentionCounts = { people: 0, mandates: 0, accompaniments: 0, followups: 0, opCopies: 0 };
    const rewrites: (Row & { parsed: object })[] = [];
    const done = new Set<string>();
    const touched: string[] = [];
    const rewrite = (r: Row, data: object) => {
      if (done.has(r.id)) return;
      done.add(r.id);
      touched.push(r.id);
      if (isAnonymised(r.entity, data)) return;
      rewrites.push({ ...r, parsed: data });
      counts[r.entity === 'beneficiary' ? 'people' : r.entity === 'mandate' ? 'mandates' : r.entity === 'followup' ? 'followups' : 'accompaniments']++;
    };

    // 1. Last contact per person (records naming a merged id count for her survivor).
    const survivorOf = new Map((s.merges.all() as { id: string; survivor: string }[]).map((m) => [m.id, m.survivor]));
    const last = new Map<string, string>();
    const today = parisDate(new Date(now));
    for (const c of s.contacts.all({ today }) as {
      pid: string;
      a: string | null;
      b: string | null;
      c: string | null;
      d: string | null;
      e: string | null;
      f: string | null;
    }[]) {
      const who = survivorOf.get(c.pid) ?? c.pid;
      const latest = latestDate([last.get(who), c.a, c.b, c.c, c.d, c.e, c.f]);
      if (latest) last.set(who, latest);
    }
    // 2. Inactive people, and the records naming them (or an id merged into them).
    const inactive: (Row & { parsed: { consentedOn?: string } })[] = [];
    for (const p of s.people.all() as (Row & { created_on: string; updated_on: string })[]) {
      const parsed = JSON.parse(p.data) as { consentedOn?: string };
      // An edit of her own record (updated_at) is a contact too.
      const contact = lastContact([last.get(p.id), parsed.consentedOn, p.created_on, p.updated_on], today);
      if (contact !== null && contact < cutoff) inactive.push({ ...p, entity: 'beneficiary', parsed });
    }
    if (inactive.length) {
      const inactiveIds = new Set(inactive.map((p) => p.id));
      for (const p of inactive) rewrite(p, p.parsed);
      const named = [...inactiveIds, ...[...survivorOf].filter(([, surv]) => inactiveIds.has(surv)).map(([dup]) => dup)];
      for (const r of s.referencing.all(JSON.stringify(named)) as Row[]) rewrite(r, JSON.parse(r.data) as object);
    }
    // 3. Mandates that ended more than the retention period ago, whoever they belong to.
    for (const m of s.mandates.all() as Row[]) {
      const data = JSON.parse(m.data) as MandateData;
      if (mandateEndedBefore(data, cutoff)) rewrite(m, data);
    }
    return { counts, rewrites, touched };
  }
}
