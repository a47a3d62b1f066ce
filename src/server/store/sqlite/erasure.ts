/**
 * Erasing a followed person at her request, on SQLite (README "Her rights"; Repository.erase says
 * what changes). One IMMEDIATE transaction, so a push landing at the same time either comes before
 * (and is erased with her) or after (and is refused for her erased ids, pushBatch.ts).
 *
 * Guarantees:
 * - her record and every id merged into her, her live mandates and follow-ups become tombstones
 *   (`{}`) with new versions, and are listed in `erased`: the pull marks them `erased: true`, so
 *   every tablet drops what it kept of them, and a tablet that still sends one is refused;
 * - her accompaniments stay (tallies count them) with their opaque `beneficiaryId`; only their
 *   free text (note, referral note) is blanked, as a new version when it held something;
 * - her statistical traits (birth year, gender, situation, QPV, public; no name, no contact, no
 *   residence) move to `erased_people`, which tallies read for an erased person: the numbers of
 *   every past period stay the same;
 * - every op-log copy (refused or conflicting changes, field reasons) of all these records goes;
 * - idempotent: a record already erased or already blank is not written again;
 * - its `erase` audit entry (ids and counts) is written in the same transaction.
 */
import type Database from 'better-sqlite3';
import { anonymisedData, isAnonymised } from '../../../domain/anonymise';
import type { Entity } from '../../../domain/records';
import type { ErasingActor, ErasureCounts, ErasureResult } from '../repository';
import type { SqliteAudit } from './audit';
import type { KeptCopies } from './retention';
import { RecordRewriter } from './rewrite';

interface Row {
  id: string;
  entity: Entity;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
}

const COLUMNS = `id, entity, version, deleted, data, owner_id`;

export class SqliteErasure {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly kept: KeptCopies,
    private readonly audit: SqliteAudit,
  ) {
    this.s = {
      record: db.prepare(`SELECT ${COLUMNS} FROM records WHERE id = ?`),
      survivor: db.prepare(`SELECT survivor_id FROM merges WHERE duplicate_id = ?`).pluck(),
      mergedInto: db.prepare(`SELECT duplicate_id FROM merges WHERE survivor_id = ?`).pluck(),
      erasedPerson: db.prepare(`SELECT 1 FROM erased WHERE id = ? AND person_id = ?`).pluck(),
      isErased: db.prepare(`SELECT 1 FROM erased WHERE id = ?`).pluck(),
      // The live records naming any of her ids (a scan: erasure is rare; tombstones hold `{}`).
      referencing: db.prepare(
        `SELECT ${COLUMNS} FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0
         AND json_extract(data, '$.beneficiaryId') IN (SELECT value FROM json_each(?))`,
      ),
      markErased: db.prepare(`INSERT OR IGNORE INTO erased (id, entity, person_id, erased_at) VALUES (?, ?, ?, ?)`),
      keepStats: db.prepare(`INSERT OR IGNORE INTO erased_people (id, owner_id, birth_year, gender, social_status, qpv, public) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    };
  }

  /** `auditUnchanged: false` (a restore erasing again): no audit entry when nothing changed. */
  run(actor: ErasingActor, personId: string, now: string, auditUnchanged = true): ErasureResult {
    const s = this.s;
    return this.db
      .transaction((): ErasureResult => {
        const person = s.record.get(personId) as Row | undefined;
        if (person?.entity !== 'beneficiary') return { status: 'not_found' };
        // A merged-away record: she is erased through the person she was merged into.
        const survivor = s.survivor.get(personId) as string | undefined;
        if (survivor && !s.erasedPerson.get(personId, personId)) return { status: 'merged', survivorId: survivor };

        const ids = [personId, ...(s.mergedInto.all(personId) as string[])];
        const writer = new RecordRewriter(this.db, actor, now);
        const counts: ErasureCounts = { people: 0, mandates: 0, followups: 0, accompaniments: 0, opCopies: 0 };
        const touched: string[] = [...ids];

        if (!person.deleted) {
          const b = JSON.parse(person.data) as { birthYear?: number | null; gender?: string; socialStatus?: string; qpv?: boolean; public?: string };
          s.keepStats.run(person.id, person.owner_id, b.birthYear ?? null, b.gender ?? 'unknown', b.socialStatus ?? 'unknown', b.qpv ? 1 : 0, b.public ?? null);
        }
        for (const id of ids) {
          const r = id === personId ? person : (s.record.get(id) as Row | undefined);
          if (!r || s.isErased.get(id)) continue;
          // Even an already deleted record gets a new version: tablets kept its last data, and
          // the `erased` mark on the pulled tombstone is what makes them drop it.
          writer.write(r, true, {});
          s.markErased.run(id, r.entity, personId, now);
          counts.people++;
        }
        for (const r of s.referencing.all(JSON.stringify(ids)) as Row[]) {
          touched.push(r.id);
          if (r.entity === 'accompaniment') {
            const data = JSON.parse(r.data) as object;
            if (isAnonymised('accompaniment', data)) continue;
            writer.write(r, false, anonymisedData('accompaniment', data));
            counts.accompaniments++;
          } else {
            writer.write(r, true, {});
            s.markErased.run(r.id, r.entity, personId, now);
            counts[r.entity === 'mandate' ? 'mandates' : 'followups']++;
          }
        }
        counts.opCopies = this.kept.forget(touched);
        writer.finish();
        // The audit entry commits with the erasure, or neither does.
        const actorName = actor.name ?? this.audit.nameOf(actor.userId);
        const changed = counts.people + counts.mandates + counts.followups + counts.accompaniments > 0;
        if (changed || auditUnchanged)
          this.audit.add({ at: now, actorId: actor.userId, actorName, action: 'erase', entity: 'beneficiary', recordId: personId, counts: { ...counts } });
        return { status: 'erased', counts };
      })
      .immediate();
  }
}
