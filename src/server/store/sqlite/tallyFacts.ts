/**
 * Tally facts on SQLite: narrow tables of the live accompaniments (clustered by date, then by the
 * `seq` of the change that wrote them, so a push appends its facts; their counted dimensions in
 * one `dims` string) and permanences, current up to `facts_seq` in the change sequence
 * (`records.seq`), so tallies read no JSON and have no backlog to catch up: the first tally after a bulk
 * load is as fast as the next: at most one push's facts wait, for a moment. (They used to be
 * caught up lazily before each tally: the first one after 200,000 pushed records paid 5 s.)
 * A push hands its changes over at its commit (`handOver`) and they are written just after its
 * answer, in a transaction of their own that need not wait for the disk: facts are derived data,
 * and a crash that drops them leaves `facts_seq` behind with them, so the `refresh` at open
 * derives them again from `records`. A push and a tally call `refresh` first, a merge, an
 * erasure or a retention run after its writes, the repository at open: it writes the hand-over
 * if no record has changed since its push, and otherwise catches up from `records` (what another
 * server on the same file, or a later write, made of those records: never a stale copy).
 * For a tally, accompaniments are grouped by everything counted (a year of 200,000 comes back as
 * a few hundred weighted facts); exports read them one by one.
 * Invariant: after `refresh()`, the fact tables hold exactly the live accompaniments and
 * permanences of `records`, an accompaniment's fact under its record's present `seq` and date (a
 * change gives the record a new seq, which drops the old fact by trigger: migrations.ts, versions
 * 10 and 11).
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
import { accompanimentFact, beneficiaryFact, decodeDims, encodeDims } from '../../../domain/tallyFacts';
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
/** How many times a flush that finds the write lock taken tries again (after 20, 40, 80 ms). */
const FLUSH_RETRIES = 3;

type ChangedRow = { id: string; entity: string; deleted: number; data: string; owner_id: string; created_by: string; seq: number };

/** The last change a push made to an accompaniment or a permanence (its data parsed and valid). */
export interface FactChange {
  entity: string;
  id: string;
  seq: number;
  deleted: boolean;
  data: unknown;
  ownerId: string;
  createdBy: string;
}

/** A push's changes, committed, their facts not yet written (`handOver`). */
interface HandOver {
  from: number;
  to: number;
  changes: FactChange[];
}

export class SqliteTallyFacts {
  private readonly s;
  private pending: HandOver | null = null;
  private flush: { cancel(): void } | null = null;

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
   * A push's committed changes of accompaniments and permanences (`changes`: the last of each
   * record; the push took seqs `from + 1 … to`), handed over to be written just after the push's
   * answer (`flushSoon`) or, if a transaction needs the facts first, at its `refresh`. A push
   * that changed neither advanced `facts_seq` itself (`caughtUp`).
   */
  handOver(from: number, to: number, changes: FactChange[]): void {
    if (to <= from) return;
    this.pending = { from, to, changes };
    this.flushSoon(0);
  }

  /** Inside a push that changed no accompaniment or permanence, the facts (current at its start) stay current up to `seq`. */
  caughtUp(seq: number): void {
    this.s.setSeq.run(seq);
  }

  /**
   * Brings the fact tables up to date with every change since the last refresh: the pending
   * hand-over if no record has changed since its push, or else every record changed since.
   * Inside a transaction (a push's, a merge's) it runs in it. Outside (a tally, the open) it only
   * reads when the facts are current, and otherwise writes in an IMMEDIATE transaction: it waits
   * for another server's write like a push does, and never reads a snapshot that a commit of
   * another server makes stale before it writes (SQLITE_BUSY_SNAPSHOT).
   */
  refresh(): void {
    if (this.db.inTransaction) return this.catchUp();
    if (this.current()) return;
    this.db.transaction(() => this.catchUp()).immediate();
  }

  /** Writes what waits (the database is closing); if it cannot, the open catches up from records. */
  close(): void {
    this.flush?.cancel();
    this.flush = null;
    try {
      if (this.pending && this.db.open) this.refresh();
    } catch {
      // Caught up from records at the next open.
    }
    this.pending = null;
  }

  private current(): boolean {
    return (this.s.seq.get() as { value: number }).value >= (this.s.maxSeq.get() as { value: number }).value;
  }

  /**
   * Writes the hand-over once the push has answered, in a transaction of its own: the facts are
   * derived data (rebuilt from `records` past facts_seq if a crash drops them), so this commit
   * need not wait for the disk (synchronous=NORMAL: no fsync; the next push's commit syncs it).
   * It never waits for a lock on the event loop: while another server writes, it tries again a
   * little later (a few times; then any refresh catches up, from records if need be). A new
   * hand-over starts its own attempts (the previous one's retry is cancelled).
   */
  private flushSoon(attempt: number): void {
    this.flush?.cancel();
    const run = () => {
      this.flush = null;
      if (!this.pending || !this.db.open) return;
      let written: boolean;
      try {
        // A transaction open on this connection across an await (none in the server): as if busy.
        written = !this.db.inTransaction && this.writeWithoutWaiting();
      } catch (error) {
        // Never any data in the message: the code only. The next refresh catches up from records.
        console.error(`Faits de bilan : écriture reportée au prochain rattrapage (${(error as { code?: string }).code ?? 'erreur'}).`);
        this.pending = null;
        return;
      }
      if (written) return;
      if (this.pending && attempt < FLUSH_RETRIES) this.flushSoon(attempt + 1);
      else this.pending = null;
    };
    if (attempt === 0) {
      const handle = setImmediate(run).unref();
      this.flush = { cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(run, 10 * 2 ** attempt).unref();
      this.flush = { cancel: () => clearTimeout(handle) };
    }
  }

  /**
   * The flush's transaction, without fsync and without waiting for the write lock (false when
   * another connection holds it); the connection's own settings are restored whatever happens.
   */
  private writeWithoutWaiting(): boolean {
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.transaction(() => this.catchUp()).immediate();
        return true;
      } catch (error) {
        if (((error as { code?: string }).code ?? '').startsWith('SQLITE_BUSY')) return false;
        throw error;
      } finally {
        this.db.pragma(`busy_timeout = ${busyTimeout}`);
      }
    } finally {
      this.db.pragma(`synchronous = ${synchronous}`);
    }
  }

  private catchUp(): void {
    const from = (this.s.seq.get() as { value: number }).value;
    const to = (this.s.maxSeq.get() as { value: number }).value;
    const p = this.pending;
    this.pending = null;
    if (to <= from) return;
    // The hand-over is exact only if it starts where the facts stop and nothing has written a
    // record since its push (every write of a record takes a new seq: `to` would have moved).
    if (p && p.from === from && p.to === to) {
      for (const c of p.changes) this.put(c, false);
    } else {
      for (const r of this.s.changed.all(from) as ChangedRow[]) {
        this.put(
          { entity: r.entity, id: r.id, seq: r.seq, deleted: r.deleted === 1, data: JSON.parse(r.data), ownerId: r.owner_id, createdBy: r.created_by },
          true,
        );
      }
    }
    this.s.setSeq.run(to);
  }

  /**
   * Writes the facts of one change. An accompaniment's fact of before went when its record took
   * this seq (trigger): only the new one is written. Caught up from records, a change whose fact
   * is written already is rewritten, never doubled.
   */
  private put(c: FactChange, again: boolean): void {
    if (c.entity === 'accompaniment') {
      if (!c.deleted) {
        const f = accompanimentFact(c.id, c.data as AccompanimentData, c.createdBy);
        (again ? this.s.reputAcc : this.s.putAcc).run(f.date, c.seq, f.id, c.ownerId, c.createdBy, f.permanenceId, f.beneficiaryId, encodeDims(f));
      }
    } else if (c.entity === 'permanence') {
      if (c.deleted) this.s.delPerm.run(c.id);
      else {
        const p = c.data as PermanenceData;
        this.s.putPerm.run(c.id, c.ownerId, c.createdBy, p.date, p.communeInsee, p.relayId);
      }
    }
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
      for (const r of this.s.beneficiaries[own].all(...args(ids)) as { id: string; data: string }[])
        beneficiaries.set(r.id, beneficiaryFact(JSON.parse(r.data)));
      for (const r of this.s.erased[own].all(...args(ids)) as ErasedPersonRow[]) if (!beneficiaries.has(r.id)) beneficiaries.set(r.id, erasedPersonFact(r));
    }
    return { accompaniments, permanences, firstVisits, beneficiaries };
  }
}
