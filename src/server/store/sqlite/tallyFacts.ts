/**
 * Tally facts on SQLite: narrow tables of the live accompaniments (clustered by date, then by the
 * `seq` of the change that wrote them, so a push appends its facts; their counted dimensions in
 * one `dims` string) and permanences, caught up from the change sequence
 * (`records.seq`) at the end of every push and merge transaction (and at open), so tallies read
 * no JSON and never have a backlog: the first tally after a bulk load is as fast as the next.
 * (They used to be caught up lazily before each tally: the first one after 200,000 pushed records
 * paid 5 s of catch-up.)
 * For a tally, accompaniments are grouped by everything counted (a year of 200,000 comes back as
 * a few hundred weighted facts); exports read them one by one.
 * Invariant: after `refresh()`, the fact tables hold exactly the live accompaniments and
 * permanences of `records`, an accompaniment's fact under its record's present `seq` (a change
 * gives the record a new seq, which drops the old fact by trigger: migrations.ts, version 10).
 * Every statement is prepared once, in the constructor.
 * A query for one owner (a mediator) reads only her facts, those reached by id from her
 * accompaniments (permanences, beneficiaries, first visits) included.
 * Merged people count once: an accompaniment still naming a merged person (pushed after the
 * merge by an offline tablet) is counted as her survivor's, and her first visit is the earliest
 * of all her ids. An erased person counts with the traits kept of her (`erased_people`, no name).
 */
import type Database from 'better-sqlite3';
import type { AccompanimentData, PermanenceData } from '../../../domain/records';
import type { AccompanimentFact, BeneficiaryFact, PermanenceFact } from '../../../domain/tally';
import { accompanimentFact, decodeDims, encodeDims } from '../../../domain/tallyFacts';
import { erasedPersonFact, type ErasedPersonRow } from '../erasedPeople';
import type { FactsAnswer, FactsQuery } from '../types';

const ownFilter = (own: boolean) => (own ? ' AND owner_id = ?' : '');

function accompanimentSql(individual: boolean, own: boolean): string {
  return individual
    ? `SELECT date, id, created_by, permanence_id, beneficiary_id, dims, 1 AS n FROM accompaniment_facts WHERE date BETWEEN ? AND ?${ownFilter(own)} ORDER BY date, id`
    : `SELECT ? AS date, '' AS id, created_by, permanence_id, beneficiary_id, dims, COUNT(*) AS n FROM accompaniment_facts WHERE date BETWEEN ? AND ?${ownFilter(own)}
       GROUP BY dims, created_by, permanence_id, beneficiary_id`;
}

type PermRow = { id: string; date: string; commune: string; relay_id: string; created_by: string };

export class SqliteTallyFacts {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      seq: db.prepare(`SELECT value FROM counters WHERE name = 'facts_seq'`),
      setSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'facts_seq'`),
      changed: db.prepare(
        `SELECT id, entity, deleted, data, owner_id, created_by, seq FROM records WHERE seq > ? AND entity IN ('accompaniment', 'permanence') ORDER BY seq`,
      ),
      maxSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      // An accompaniment's fact is keyed by the seq of the change that wrote it: the next change
      // of the record (a new seq) drops it by trigger (migration 10), in the same statement.
      putAcc: db.prepare(
        `INSERT INTO accompaniment_facts (date, seq, id, owner_id, created_by, permanence_id, beneficiary_id, dims) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // The refresh may meet a change whose fact is written already: it is rewritten, never doubled.
      reputAcc: db.prepare(
        `INSERT OR REPLACE INTO accompaniment_facts (date, seq, id, owner_id, created_by, permanence_id, beneficiary_id, dims) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      putPerm: db.prepare(`INSERT OR REPLACE INTO permanence_facts (id, owner_id, created_by, date, commune, relay_id) VALUES (?, ?, ?, ?, ?, ?)`),
      delPerm: db.prepare(`DELETE FROM permanence_facts WHERE id = ?`),
      users: db.prepare(`SELECT id, name FROM users`),
      // One statement per shape of query (all records or one owner's; groups or one by one).
      accompaniments: [false, true].map((individual) => [false, true].map((own) => db.prepare(accompanimentSql(individual, own)).raw())),
      permanences: [false, true].map((own) =>
        db.prepare(`SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE date BETWEEN ? AND ?${ownFilter(own)}`),
      ),
      // Facts reached by id (from an accompaniment) are filtered by owner too: a mediator's record
      // may name another's permanence or beneficiary, which must not reach her tally.
      permanencesById: [false, true].map((own) =>
        db.prepare(`SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE id IN (SELECT value FROM json_each(?))${ownFilter(own)}`),
      ),
      firstVisits: [false, true].map((own) =>
        db.prepare(
          `SELECT beneficiary_id AS id, MIN(date) AS first FROM accompaniment_facts WHERE beneficiary_id IN (SELECT value FROM json_each(?))${ownFilter(own)} GROUP BY beneficiary_id`,
        ),
      ),
      survivors: db.prepare(`SELECT duplicate_id AS id, survivor_id AS survivor FROM merges WHERE duplicate_id IN (SELECT value FROM json_each(?))`),
      aliases: db.prepare(`SELECT duplicate_id AS id, survivor_id AS survivor FROM merges WHERE survivor_id IN (SELECT value FROM json_each(?))`),
      beneficiaries: [false, true].map((own) =>
        db.prepare(`SELECT id, data FROM records WHERE entity = 'beneficiary' AND deleted = 0 AND id IN (SELECT value FROM json_each(?))${ownFilter(own)}`),
      ),
      // An erased person's traits, kept without her name (erasure.ts): tallies count her the same.
      erased: [false, true].map((own) =>
        db.prepare(
          `SELECT id, birth_year, gender, social_status, qpv, public FROM erased_people WHERE id IN (SELECT value FROM json_each(?))${ownFilter(own)}`,
        ),
      ),
    };
  }

  /**
   * One change a push applied (its data already parsed and valid), written with `seq`: its facts
   * follow at once. The record's previous fact, if any, went when its row took `seq` (trigger).
   */
  applied(entity: string, id: string, seq: number, deleted: boolean, data: unknown, ownerId: string, createdBy: string): void {
    if (entity === 'accompaniment') {
      if (!deleted) {
        const f = accompanimentFact(id, data as AccompanimentData, createdBy);
        this.s.putAcc.run(f.date, seq, f.id, ownerId, createdBy, f.permanenceId, f.beneficiaryId, encodeDims(f));
      }
    } else if (entity === 'permanence') {
      if (deleted) this.s.delPerm.run(id);
      else {
        const p = data as PermanenceData;
        this.s.putPerm.run(id, ownerId, createdBy, p.date, p.communeInsee, p.relayId);
      }
    }
  }

  /** The facts are current up to `seq` (a push wrote them with `applied`, after a `refresh`). */
  caughtUp(seq: number): void {
    this.s.setSeq.run(seq);
  }

  /** Brings the fact tables up to date with every change since the last refresh. */
  refresh(): void {
    this.db.transaction(() => {
      const from = (this.s.seq.get() as { value: number }).value;
      const to = (this.s.maxSeq.get() as { value: number }).value;
      if (to <= from) return;
      const changed = this.s.changed.all(from) as {
        id: string;
        entity: string;
        deleted: number;
        data: string;
        owner_id: string;
        created_by: string;
        seq: number;
      }[];
      for (const r of changed) {
        if (r.entity === 'accompaniment') {
          // Its fact of before went when the record took this seq (trigger): only the new one is written.
          if (!r.deleted) {
            const f = accompanimentFact(r.id, JSON.parse(r.data) as AccompanimentData, r.created_by);
            this.s.reputAcc.run(f.date, r.seq, f.id, r.owner_id, r.created_by, f.permanenceId, f.beneficiaryId, encodeDims(f));
          }
        } else if (r.deleted) this.s.delPerm.run(r.id);
        else {
          const p = JSON.parse(r.data) as PermanenceData;
          this.s.putPerm.run(r.id, r.owner_id, r.created_by, p.date, p.communeInsee, p.relayId);
        }
      }
      this.s.setSeq.run(to);
    })();
  }

  query({ period, ownerId, individual = false }: FactsQuery): FactsAnswer {
    this.refresh();
    const own = ownerId ? 1 : 0;
    const args = (...extra: unknown[]) => (ownerId ? [...extra, ownerId] : extra);
    const names = new Map((this.s.users.all() as { id: string; name: string }[]).map((u) => [u.id, u.name]));
    const nameOf = (id: string) => names.get(id) ?? id;

    const rows = this.s.accompaniments[individual ? 1 : 0][own].all(
      ...(individual ? args(period.from, period.to) : args(period.from, period.from, period.to)),
    ) as [string, string, string, string | null, string | null, string, number][];
    const accompaniments: AccompanimentFact[] = rows.map(([date, id, createdBy, permanenceId, beneficiaryId, dims, n], i) => ({
      id: id || `group-${i}`,
      date,
      permanenceId,
      beneficiaryId,
      mediator: nameOf(createdBy),
      count: n,
      ...decodeDims(dims),
    }));

    const toPerm = (p: PermRow): PermanenceFact => ({ id: p.id, date: p.date, communeInsee: p.commune, relayId: p.relay_id, mediator: nameOf(p.created_by) });
    const permanences = (this.s.permanences[own].all(...args(period.from, period.to)) as PermRow[]).map(toPerm);
    // Permanences outside the period still name the relay of accompaniments inside it.
    const known = new Set(permanences.map((p) => p.id));
    const missing = [...new Set(accompaniments.map((a) => a.permanenceId).filter((id): id is string => !!id && !known.has(id)))];
    if (missing.length) {
      const extra = this.s.permanencesById[own].all(...args(JSON.stringify(missing))) as PermRow[];
      permanences.push(...extra.map(toPerm));
    }

    const named = [...new Set(accompaniments.map((a) => a.beneficiaryId).filter((id): id is string => !!id))];
    const firstVisits = new Map<string, string>();
    const beneficiaries = new Map<string, BeneficiaryFact>();
    if (named.length) {
      // Merged people: each accompaniment names the survivor; her first visit is over all her ids.
      const survivorOf = new Map((this.s.survivors.all(JSON.stringify(named)) as { id: string; survivor: string }[]).map((r) => [r.id, r.survivor]));
      for (const a of accompaniments) if (a.beneficiaryId && survivorOf.has(a.beneficiaryId)) a.beneficiaryId = survivorOf.get(a.beneficiaryId) as string;
      const followed = [...new Set(named.map((id) => survivorOf.get(id) ?? id))];
      const ids = JSON.stringify(followed);
      for (const r of this.s.aliases.all(ids) as { id: string; survivor: string }[]) survivorOf.set(r.id, r.survivor);
      const everyId = JSON.stringify([...followed, ...survivorOf.keys()]);
      for (const r of this.s.firstVisits[own].all(...args(everyId)) as { id: string; first: string }[]) {
        const person = survivorOf.get(r.id) ?? r.id;
        const known = firstVisits.get(person);
        if (known === undefined || r.first < known) firstVisits.set(person, r.first);
      }
      for (const r of this.s.beneficiaries[own].all(...args(ids)) as { id: string; data: string }[]) {
        const b = JSON.parse(r.data) as {
          birthYear?: unknown;
          gender?: BeneficiaryFact['gender'];
          socialStatus?: BeneficiaryFact['socialStatus'];
          qpv?: unknown;
          public?: string;
        };
        beneficiaries.set(r.id, {
          birthYear: typeof b.birthYear === 'number' ? b.birthYear : null,
          gender: b.gender ?? 'unknown',
          socialStatus: b.socialStatus ?? 'unknown',
          qpv: b.qpv === true,
          public: b.public ?? null,
        });
      }
      for (const r of this.s.erased[own].all(...args(ids)) as ErasedPersonRow[]) if (!beneficiaries.has(r.id)) beneficiaries.set(r.id, erasedPersonFact(r));
    }
    return { accompaniments, permanences, firstVisits, beneficiaries };
  }
}
