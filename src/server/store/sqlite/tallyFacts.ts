/**
 * Tally facts on SQLite: a narrow table per counted entity, caught up from the change sequence
 * (`records.seq`) right before each tally, so pushes stay fast and tallies read no JSON.
 * Invariant: after `refresh()`, the fact tables hold exactly the live accompaniments and
 * permanences of `records`.
 */
import type Database from 'better-sqlite3';
import type { Period } from '../../../domain/dates';
import type { AccompanimentData, PermanenceData } from '../../../domain/records';
import type { AccompanimentFact, BeneficiaryFact, PermanenceFact } from '../../../domain/tally';
import { accompanimentFact } from '../../../domain/tallyFacts';

const SEP = '|';

interface AccRow {
  id: string;
  created_by: string;
  date: string;
  commune: string;
  place_type: string;
  duration: number;
  permanence_id: string | null;
  beneficiary_id: string | null;
  anonymous: string | null;
  procedures: string;
  domains: string;
  partners: string;
  posture: string;
  outcome: string;
  referral: string | null;
}

export interface FactsQuery {
  period: Period;
  ownerId?: string;
}

export interface FactsAnswer {
  accompaniments: AccompanimentFact[];
  permanences: PermanenceFact[];
  firstVisits: Map<string, string>;
  beneficiaries: Map<string, BeneficiaryFact>;
  /** Creator id → user name. */
  names: Map<string, string>;
}

export class SqliteTallyFacts {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      seq: db.prepare(`SELECT value FROM counters WHERE name = 'facts_seq'`),
      setSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'facts_seq'`),
      changed: db.prepare(`SELECT id, entity, deleted, data, owner_id, created_by, seq FROM records WHERE seq > ? AND entity IN ('accompaniment', 'permanence') ORDER BY seq`),
      maxSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      putAcc: db.prepare(
        `INSERT OR REPLACE INTO accompaniment_facts (id, owner_id, created_by, date, commune, place_type, duration, permanence_id, beneficiary_id, anonymous, procedures, domains, partners, posture, outcome, referral)
         VALUES (@id, @owner_id, @created_by, @date, @commune, @place_type, @duration, @permanence_id, @beneficiary_id, @anonymous, @procedures, @domains, @partners, @posture, @outcome, @referral)`,
      ),
      delAcc: db.prepare(`DELETE FROM accompaniment_facts WHERE id = ?`),
      putPerm: db.prepare(`INSERT OR REPLACE INTO permanence_facts (id, owner_id, created_by, date, commune, relay_id) VALUES (?, ?, ?, ?, ?, ?)`),
      delPerm: db.prepare(`DELETE FROM permanence_facts WHERE id = ?`),
      users: db.prepare(`SELECT id, name FROM users`),
    };
  }

  /** Brings the fact tables up to date with every change since the last refresh. */
  refresh(): void {
    this.db.transaction(() => {
      const from = (this.s.seq.get() as { value: number }).value;
      const to = (this.s.maxSeq.get() as { value: number }).value;
      if (to <= from) return;
      for (const r of this.s.changed.all(from) as Array<{ id: string; entity: string; deleted: number; data: string; owner_id: string; created_by: string }>) {
        if (r.entity === 'accompaniment') {
          if (r.deleted) this.s.delAcc.run(r.id);
          else {
            const f = accompanimentFact(r.id, JSON.parse(r.data) as AccompanimentData, r.created_by);
            const a = f.anonymous;
            this.s.putAcc.run({
              id: f.id,
              owner_id: r.owner_id,
              created_by: r.created_by,
              date: f.date,
              commune: f.communeInsee,
              place_type: f.placeType,
              duration: f.durationMinutes,
              permanence_id: f.permanenceId,
              beneficiary_id: f.beneficiaryId,
              anonymous: a ? [a.alreadyHelped ? 1 : 0, a.gender, a.ageBracket, a.socialStatus, a.qpv ? 1 : 0].join(SEP) : null,
              procedures: f.procedures.join(SEP),
              domains: f.domains.join(SEP),
              partners: f.partners.join(SEP),
              posture: f.posture,
              outcome: f.outcome,
              referral: f.referralTarget,
            });
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

  /**
   * Facts of a period. Accompaniments and permanences are those of the period; first visits of the
   * followed beneficiaries met in it are computed over all time (within `ownerId`'s records if set).
   */
  query({ period, ownerId }: FactsQuery): FactsAnswer {
    this.refresh();
    const own = ownerId ? ' AND owner_id = ?' : '';
    const args = (extra: unknown[]) => (ownerId ? [...extra, ownerId] : extra);
    const names = new Map((this.s.users.all() as { id: string; name: string }[]).map((u) => [u.id, u.name]));
    const nameOf = (id: string) => names.get(id) ?? id;
    const rows = this.db.prepare(`SELECT * FROM accompaniment_facts WHERE date BETWEEN ? AND ?${own}`).all(...args([period.from, period.to])) as AccRow[];
    const accompaniments: AccompanimentFact[] = rows.map((r) => {
      const a = r.anonymous?.split(SEP);
      return {
        id: r.id,
        date: r.date,
        communeInsee: r.commune,
        placeType: r.place_type,
        durationMinutes: r.duration,
        permanenceId: r.permanence_id,
        beneficiaryId: r.beneficiary_id,
        anonymous: a ? { alreadyHelped: a[0] === '1', gender: a[1], ageBracket: a[2], socialStatus: a[3], qpv: a[4] === '1' } as AccompanimentFact['anonymous'] : null,
        procedures: r.procedures ? r.procedures.split(SEP) : [],
        domains: r.domains ? r.domains.split(SEP) : [],
        partners: r.partners ? r.partners.split(SEP) : [],
        posture: r.posture,
        outcome: r.outcome,
        referralTarget: r.referral,
        mediator: nameOf(r.created_by),
      };
    });
    type PermRow = { id: string; date: string; commune: string; relay_id: string; created_by: string };
    const toPerm = (p: PermRow): PermanenceFact => ({ id: p.id, date: p.date, communeInsee: p.commune, relayId: p.relay_id, mediator: nameOf(p.created_by) });
    const permanences = (this.db.prepare(`SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE date BETWEEN ? AND ?${own}`).all(...args([period.from, period.to])) as PermRow[]).map(toPerm);
    // Permanences outside the period still name the relay of accompaniments inside it.
    const missing = [...new Set(accompaniments.map((a) => a.permanenceId).filter((id): id is string => !!id))].filter((id) => !permanences.some((p) => p.id === id));
    const extra = missing.length
      ? (this.db.prepare(`SELECT id, date, commune, relay_id, created_by FROM permanence_facts WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(missing)) as PermRow[]).map(toPerm)
      : [];
    const followed = [...new Set(accompaniments.map((a) => a.beneficiaryId).filter((id): id is string => !!id))];
    const firstVisits = new Map<string, string>();
    const beneficiaries = new Map<string, BeneficiaryFact>();
    if (followed.length) {
      for (const r of this.db.prepare(`SELECT beneficiary_id AS id, MIN(date) AS first FROM accompaniment_facts WHERE beneficiary_id IN (SELECT value FROM json_each(?))${own} GROUP BY beneficiary_id`).all(...args([JSON.stringify(followed)])) as { id: string; first: string }[]) {
        firstVisits.set(r.id, r.first);
      }
      for (const r of this.db.prepare(`SELECT id, data FROM records WHERE entity = 'beneficiary' AND deleted = 0 AND id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(followed)) as { id: string; data: string }[]) {
        const b = JSON.parse(r.data) as Partial<BeneficiaryFact> & { birthYear?: number | null };
        beneficiaries.set(r.id, { birthYear: typeof b.birthYear === 'number' ? b.birthYear : null, gender: b.gender ?? 'unknown', socialStatus: b.socialStatus ?? 'unknown', qpv: b.qpv === true, public: b.public ?? null });
      }
    }
    return {
      accompaniments,
      permanences: [...permanences, ...extra],
      firstVisits,
      beneficiaries,
      names,
    };
  }
}
