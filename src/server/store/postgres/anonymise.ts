/**
 * The retention job on PostgreSQL: sqlite/anonymise.ts's rules and steps (last contact per person,
 * inactive people and the records naming them anonymised, mandates ended before the cutoff
 * anonymised, their op-log copies purged, a `retention` audit entry; idempotent), in one
 * transaction that, when there is anything to rewrite, takes the records table for itself
 * (rewrite.ts `lockRecords`: pushes wait, pulls go on) and decides again under it. The new versions take commit-ordered seqs and the tally facts are written
 * with them (anonymising keeps every counted field: tallies stay the same).
 */
import type pg from 'pg';
import { anonymisedData, isAnonymised, lastContact, latestDate, mandateEndedBefore } from '../../../domain/anonymise';
import { parisDate } from '../../../domain/dates';
import type { Entity, MandateData } from '../../../domain/records';
import type { RetentionCounts } from '../repository';
import { RETENTION_ACTOR, retentionAuditEntry } from '../auditRows';
import { addAudit } from './audit';
import { forgetCopies, lockRecords, PgRewriter, ROW_COLUMNS, type PgRow } from './rewrite';
import type { PgFacts } from './tallyFacts';

type Contacts = { pid: string; a: string | null; b: string | null; c: string | null; d: string | null; e: string | null; f: string | null };

export async function pgAnonymiseInactive(c: pg.ClientBase, facts: PgFacts, cutoff: string, now: string): Promise<RetentionCounts> {
  // Decided once without the lock (reads only: a day with nothing to anonymise makes no push
  // wait); when there is something to write, decided again under the lock, which is what counts.
  let plan = await planRun(c, cutoff, now);
  if (plan.writer.written > 0) {
    await lockRecords(c);
    plan = await planRun(c, cutoff, now);
  }
  const { counts, writer, touched } = plan;
  // 4. Their op-log copies; then the new versions.
  counts.opCopies = await forgetCopies(c, touched);
  await writer.finish(c, facts);
  await addAudit(c, retentionAuditEntry(now, counts));
  return counts;
}

/** Steps 1 to 3: what to rewrite (queued on the writer) and which records' copies to purge. */
async function planRun(c: pg.ClientBase, cutoff: string, now: string): Promise<{ counts: RetentionCounts; writer: PgRewriter; touched: string[] }> {
  const counts: RetentionCounts = { people: 0, mandates: 0, accompaniments: 0, followups: 0, opCopies: 0 };
  const writer = new PgRewriter({ userId: RETENTION_ACTOR.userId, deviceId: null }, now);
  const done = new Set<string>();
  const touched: string[] = [];
  const rewrite = (r: PgRow, data: object) => {
    if (done.has(r.id)) return;
    done.add(r.id);
    touched.push(r.id);
    if (isAnonymised(r.entity as Entity, data)) return;
    writer.write(r, false, anonymisedData(r.entity as Entity, data));
    counts[r.entity === 'beneficiary' ? 'people' : r.entity === 'mandate' ? 'mandates' : r.entity === 'followup' ? 'followups' : 'accompaniments']++;
  };

  // 1. Last contact per person (records naming a merged id count for her survivor).
  const survivorOf = new Map(
    ((await c.query(`SELECT duplicate_id AS id, survivor_id AS survivor FROM merges`)).rows as { id: string; survivor: string }[]).map((m) => [
      m.id,
      m.survivor,
    ]),
  );
  // Only dates up to today ($1) count as contact: a date in the future does not.
  const today = parisDate(new Date(now));
  const j = (field: string) => `MAX(CASE WHEN d ->> '${field}' COLLATE "C" <= $1 THEN d ->> '${field}' END COLLATE "C")`;
  // Each record's JSON parsed once (`OFFSET 0` keeps the subquery from being inlined, which
  // would parse it again for every field: twice as slow).
  const contacts = (
    await c.query(
      `SELECT d ->> 'beneficiaryId' AS pid, ${j('date')} AS a, ${j('signedOn')} AS b, ${j('expiresOn')} AS c, ${j('revokedOn')} AS d,
         ${j('dueOn')} AS e, ${j('doneOn')} AS f
       FROM (SELECT data::json AS d FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0 OFFSET 0) x
       WHERE d ->> 'beneficiaryId' IS NOT NULL GROUP BY 1`,
      [today],
    )
  ).rows as Contacts[];
  const last = new Map<string, string>();
  for (const x of contacts) {
    const who = survivorOf.get(x.pid) ?? x.pid;
    const latest = latestDate([last.get(who), x.a, x.b, x.c, x.d, x.e, x.f]);
    if (latest) last.set(who, latest);
  }
  // 2. Inactive people, and the records naming them (or an id merged into them).
  const people = (
    await c.query(
      `SELECT ${ROW_COLUMNS}, substr(created_at, 1, 10) AS created_on, substr(updated_at, 1, 10) AS updated_on FROM records WHERE entity = 'beneficiary' AND deleted = 0`,
    )
  ).rows as (PgRow & { created_on: string; updated_on: string })[];
  const inactive: (PgRow & { parsed: { consentedOn?: string } })[] = [];
  for (const p of people) {
    const parsed = JSON.parse(p.data) as { consentedOn?: string };
    // An edit of her own record (updated_at) is a contact too.
    const contact = lastContact([last.get(p.id), parsed.consentedOn, p.created_on, p.updated_on], today);
    if (contact !== null && contact < cutoff) inactive.push({ ...p, parsed });
  }
  if (inactive.length) {
    const inactiveIds = new Set(inactive.map((p) => p.id));
    for (const p of inactive) rewrite(p, p.parsed);
    const named = [...inactiveIds, ...[...survivorOf].filter(([, surv]) => inactiveIds.has(surv)).map(([dup]) => dup)];
    const referencing = (
      await c.query(
        `SELECT ${ROW_COLUMNS} FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0
         AND (data::json ->> 'beneficiaryId') IN (SELECT unnest($1::text[]))`,
        [named],
      )
    ).rows as PgRow[];
    for (const r of referencing) rewrite(r, JSON.parse(r.data) as object);
  }
  // 3. Mandates that ended more than the retention period ago, whoever they belong to.
  for (const m of (await c.query(`SELECT ${ROW_COLUMNS} FROM records WHERE entity = 'mandate' AND deleted = 0`)).rows as PgRow[]) {
    const data = JSON.parse(m.data) as MandateData;
    if (mandateEndedBefore(data, cutoff)) rewrite(m, data);
  }
  return { counts, writer, touched };
}
