/**
 * Tally facts on PostgreSQL: the narrow tables of live accompaniments (their counted dimensions in
 * one `dims` string) and permanences, written in the push transaction that changes their records
 * (and by merges), so a tally never has anything to catch up: the first after a bulk load is as
 * fast as the next. Indexed by date and by owner and date; also counted per day and group
 * (`accompaniment_groups`, moved by ±1 with each fact), which a tally sums.
 * A tally groups accompaniments by everything counted (a year comes back as weighted groups);
 * exports read them one by one. The answers are sqlite/tallyFacts.ts's, statement for statement:
 * a mediator's query reads only her facts, merged people count once, an erased person counts with
 * the traits kept of her (`erased_people`, no name).
 */
import type pg from 'pg';
import type { AccompanimentData, PermanenceData } from '../../../domain/records';
import type { AccompanimentFact, BeneficiaryFact, PermanenceFact } from '../../../domain/tally';
import { accompanimentFact, beneficiaryFact, decodeDims, encodeDims } from '../../../domain/tallyFacts';
import { erasedPersonFact, type ErasedPersonRow } from '../erasedPeople';
import type { FactsAnswer, FactsQuery } from '../types';

/** What the facts need of a changed record. */
export interface FactSource {
  id: string;
  entity: string;
  deleted: number;
  data: string;
  owner_id: string;
  created_by: string;
}

/** date, owner, creator, permanence, beneficiary, dims. */
type GroupKey = [string, string, string, string | null, string | null, string];

type PermRow = { id: string; date: string; commune: string; relay_id: string; created_by: string };

const own = (ownerId: string | undefined, n: number) => (ownerId ? ` AND owner_id = $${n}` : '');

export class PgFacts {
  /** Brings the facts of these changed records up to date (inside the caller's transaction). */
  async write(c: pg.ClientBase, changed: readonly FactSource[]): Promise<void> {
    const acc = changed.filter((r) => r.entity === 'accompaniment');
    const perm = changed.filter((r) => r.entity === 'permanence');
    if (acc.length) {
      // Each group's count moves with its facts: -1 for the fact replaced, +1 for the new one.
      const delta = new Map<string, { key: GroupKey; n: number }>();
      const count = (key: GroupKey, n: number) => {
        const k = JSON.stringify(key);
        const d = delta.get(k) ?? { key, n: 0 };
        d.n += n;
        delta.set(k, d);
      };
      const old = await c.query(
        `DELETE FROM accompaniment_facts WHERE id = ANY($1::text[]) RETURNING date, owner_id, created_by, permanence_id, beneficiary_id, dims`,
        [acc.map((r) => r.id)],
      );
      for (const o of old.rows as Record<string, string | null>[])
        count([o.date, o.owner_id, o.created_by, o.permanence_id, o.beneficiary_id, o.dims] as GroupKey, -1);
      const live = acc
        .filter((r) => !r.deleted)
        .map((r) => {
          const f = accompanimentFact(r.id, JSON.parse(r.data) as AccompanimentData, r.created_by);
          return { f, r, dims: encodeDims(f) };
        });
      for (const x of live) count([x.f.date, x.r.owner_id, x.r.created_by, x.f.permanenceId, x.f.beneficiaryId, x.dims], 1);
      // In key order: two batches counting in the same groups queue, never deadlock.
      const moves = [...delta.entries()]
        .filter(([, d]) => d.n !== 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, d]) => d);
      if (moves.length) {
        const col = (i: number) => moves.map((m) => m.key[i]);
        await c.query(
          `INSERT INTO accompaniment_groups (date, owner_id, created_by, permanence_id, beneficiary_id, dims, n)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
           ON CONFLICT (date, owner_id, created_by, permanence_id, beneficiary_id, dims) DO UPDATE SET n = accompaniment_groups.n + excluded.n`,
          [col(0), col(1), col(2), col(3), col(4), col(5), moves.map((m) => m.n)],
        );
      }
      if (live.length) {
        await c.query(
          `INSERT INTO accompaniment_facts (date, id, owner_id, created_by, permanence_id, beneficiary_id, dims)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
          [
            live.map((x) => x.f.date),
            live.map((x) => x.f.id),
            live.map((x) => x.r.owner_id),
            live.map((x) => x.r.created_by),
            live.map((x) => x.f.permanenceId),
            live.map((x) => x.f.beneficiaryId),
            live.map((x) => x.dims),
          ],
        );
      }
    }
    if (perm.length) {
      await c.query(`DELETE FROM permanence_facts WHERE id = ANY($1::text[])`, [perm.map((r) => r.id)]);
      const live = perm.filter((r) => !r.deleted).map((r) => ({ r, p: JSON.parse(r.data) as PermanenceData }));
      if (live.length) {
        await c.query(
          `INSERT INTO permanence_facts (id, owner_id, created_by, date, commune, relay_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
          [
            live.map((x) => x.r.id),
            live.map((x) => x.r.owner_id),
            live.map((x) => x.r.created_by),
            live.map((x) => x.p.date),
            live.map((x) => x.p.communeInsee),
            live.map((x) => x.p.relayId),
          ],
        );
      }
    }
  }

  async query(pool: pg.Pool, { period, ownerId, individual = false }: FactsQuery): Promise<FactsAnswer> {
    const o = (extra: unknown[]) => (ownerId ? [...extra, ownerId] : extra);
    const names = new Map(((await pool.query(`SELECT id, name FROM users`)).rows as { id: string; name: string }[]).map((u) => [u.id, u.name]));
    const nameOf = (id: string) => names.get(id) ?? id;

    const sql = individual
      ? `SELECT date, id, created_by, permanence_id, beneficiary_id, dims, 1 AS n FROM accompaniment_facts WHERE date BETWEEN $1 AND $2${own(ownerId, 3)}
         ORDER BY date COLLATE "C", id COLLATE "C"`
      : `SELECT created_by, permanence_id, beneficiary_id, dims, SUM(n)::int AS n FROM accompaniment_groups WHERE date BETWEEN $1 AND $2${own(ownerId, 3)}
         GROUP BY dims, created_by, permanence_id, beneficiary_id HAVING SUM(n) > 0`;
    const rows = (await pool.query({ text: sql, values: o([period.from, period.to]), rowMode: 'array' })).rows as unknown[][];
    const accompaniments: AccompanimentFact[] = rows.map((row, i) => {
      const [date, id, createdBy, permanenceId, beneficiaryId, dims, n] = (individual ? row : [period.from, '', ...row]) as [
        string,
        string,
        string,
        string | null,
        string | null,
        string,
        number,
      ];
      return { id: id || `group-${i}`, date, permanenceId, beneficiaryId, mediator: nameOf(createdBy), count: n, ...decodeDims(dims) };
    });

    const toPerm = (p: PermRow): PermanenceFact => ({ id: p.id, date: p.date, communeInsee: p.commune, relayId: p.relay_id, mediator: nameOf(p.created_by) });
    const permanences = (
      (
        await pool.query(
          `SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE date BETWEEN $1 AND $2${own(ownerId, 3)} ORDER BY date COLLATE "C", id COLLATE "C"`,
          o([period.from, period.to]),
        )
      ).rows as PermRow[]
    ).map(toPerm);
    const known = new Set(permanences.map((p) => p.id));
    const missing = [...new Set(accompaniments.map((a) => a.permanenceId).filter((id): id is string => !!id && !known.has(id)))];
    if (missing.length) {
      const extra = await pool.query(
        `SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE id = ANY($1::text[])${own(ownerId, 2)}`,
        o([missing]),
      );
      permanences.push(...(extra.rows as PermRow[]).map(toPerm));
    }

    const named = [...new Set(accompaniments.map((a) => a.beneficiaryId).filter((id): id is string => !!id))];
    const firstVisits = new Map<string, string>();
    const beneficiaries = new Map<string, BeneficiaryFact>();
    if (named.length) {
      const survivorOf = new Map(
        (
          (await pool.query(`SELECT duplicate_id, survivor_id FROM merges WHERE duplicate_id = ANY($1::text[])`, [named])).rows as {
            duplicate_id: string;
            survivor_id: string;
          }[]
        ).map((r) => [r.duplicate_id, r.survivor_id]),
      );
      for (const a of accompaniments) if (a.beneficiaryId && survivorOf.has(a.beneficiaryId)) a.beneficiaryId = survivorOf.get(a.beneficiaryId) as string;
      const followed = [...new Set(named.map((id) => survivorOf.get(id) ?? id))];
      for (const r of (await pool.query(`SELECT duplicate_id, survivor_id FROM merges WHERE survivor_id = ANY($1::text[])`, [followed])).rows as {
        duplicate_id: string;
        survivor_id: string;
      }[])
        survivorOf.set(r.duplicate_id, r.survivor_id);
      const everyId = [...followed, ...survivorOf.keys()];
      const firsts = await pool.query(
        `SELECT beneficiary_id AS id, MIN(date) AS first FROM accompaniment_facts WHERE beneficiary_id = ANY($1::text[])${own(ownerId, 2)} GROUP BY beneficiary_id`,
        o([everyId]),
      );
      for (const r of firsts.rows as { id: string; first: string }[]) {
        const person = survivorOf.get(r.id) ?? r.id;
        const seen = firstVisits.get(person);
        if (seen === undefined || r.first < seen) firstVisits.set(person, r.first);
      }
      const people = await pool.query(
        `SELECT id, data FROM records WHERE entity = 'beneficiary' AND deleted = 0 AND id = ANY($1::text[])${own(ownerId, 2)}`,
        o([followed]),
      );
      for (const r of people.rows as { id: string; data: string }[]) beneficiaries.set(r.id, beneficiaryFact(JSON.parse(r.data)));
      // An erased person's traits, kept without her name (erasure.ts): tallies count her the same.
      const erased = await pool.query(
        `SELECT id, birth_year, gender, social_status, qpv, public FROM erased_people WHERE id = ANY($1::text[])${own(ownerId, 2)}`,
        o([followed]),
      );
      for (const r of erased.rows as ErasedPersonRow[]) if (!beneficiaries.has(r.id)) beneficiaries.set(r.id, erasedPersonFact(r));
    }
    return { accompaniments, permanences, firstVisits, beneficiaries };
  }
}
