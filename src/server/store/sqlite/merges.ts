/**
 * Merging two followed people on SQLite (README "API extensions": POST
 * /api/v1/beneficiaries/{id}/merge). The rules are domain/merge.ts's.
 *
 * Guarantees:
 * - one IMMEDIATE transaction: every live accompaniment, mandate and follow-up naming the
 *   duplicate gets `beneficiaryId = survivor` as a new version, the duplicate becomes a tombstone
 *   (data `{}`), and `merges` remembers duplicate → survivor; all or nothing;
 * - each change takes a new `seq` (every tablet pulls it) and is recorded in the op log as an
 *   applied op of the coordinator (who wrote it, from which device, when); owners are unchanged,
 *   so each mediator still pulls her own records — which is why two people of different owners
 *   are never merged (`mergeRefusal`: 'owners');
 * - chains are flattened: people merged earlier into the duplicate now point to the survivor, so
 *   one lookup in `merges` always gives the survivor.
 */
import type Database from 'better-sqlite3';
import { mergeChanges, mergeRefusal, type ReferencingRecord } from '../../../domain/merge';
import type { Actor } from '../../../domain/sync';
import type { MergeResult } from '../repository';
import type { KeptCopies } from './retention';
import { RecordRewriter } from './rewrite';
import type { SqliteTallyFacts } from './tallyFacts';

interface Row {
  id: string;
  entity: ReferencingRecord['entity'];
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
}

export class SqliteMerges {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly kept: KeptCopies,
    private readonly facts: SqliteTallyFacts,
  ) {
    this.s = {
      record: db.prepare(`SELECT id, entity, version, deleted, data, owner_id FROM records WHERE id = ?`),
      referencing: db.prepare(
        `SELECT id, entity, version, deleted, data FROM records
         WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0 AND json_extract(data, '$.beneficiaryId') = ?`,
      ),
      remember: db.prepare(`INSERT INTO merges (duplicate_id, survivor_id, merged_by, merged_at) VALUES (?, ?, ?, ?)`),
      flatten: db.prepare(`UPDATE merges SET survivor_id = ? WHERE survivor_id = ?`),
    };
  }

  run(actor: Actor & { deviceId: string | null }, duplicateId: string, survivorId: string, now: string): MergeResult {
    const s = this.s;
    return this.db
      .transaction((): MergeResult => {
        const dup = s.record.get(duplicateId) as Row | undefined;
        const surv = s.record.get(survivorId) as Row | undefined;
        if (dup?.entity !== 'beneficiary' || surv?.entity !== 'beneficiary') return { status: 'not_found' };
        const refusal = mergeRefusal(
          { id: dup.id, deleted: dup.deleted === 1, ownerId: dup.owner_id },
          { id: surv.id, deleted: surv.deleted === 1, ownerId: surv.owner_id },
        );
        if (refusal) return { status: 'refused', reason: refusal };

        const rewrite = new RecordRewriter(this.db, actor, now);
        const rows = s.referencing.all(duplicateId) as Row[];
        const versions = new Map(rows.map((r) => [r.id, r.version]));
        const records = rows.map((r) => ({ entity: r.entity, id: r.id, deleted: false, data: JSON.parse(r.data) as ReferencingRecord['data'] }));
        const moved = { accompaniments: 0, mandates: 0, followups: 0 };
        for (const c of mergeChanges(duplicateId, survivorId, records)) {
          rewrite.write({ id: c.id, entity: c.entity, version: versions.get(c.id) as number }, false, c.data);
          moved[c.entity === 'accompaniment' ? 'accompaniments' : c.entity === 'mandate' ? 'mandates' : 'followups']++;
        }
        const version = rewrite.write(dup, true, {});
        // The person's record is gone: the copies of refused changes of it (personal data) go too.
        this.kept.resolved(duplicateId, actor.userId, true);
        s.flatten.run(survivorId, duplicateId);
        s.remember.run(duplicateId, survivorId, actor.userId, now);
        rewrite.finish();
        this.facts.refresh();
        return { status: 'merged', version, moved };
      })
      .immediate();
  }
}
