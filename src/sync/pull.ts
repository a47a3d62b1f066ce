/**
 * Pulling changes: each page is applied in one transaction together with the new cursor, so an
 * interrupted pull resumes where it stopped. A record with a change waiting to be sent, or with an
 * unresolved sync issue, is not overwritten: the user's change goes first (and conflicts if the
 * server's record moved on).
 */
import { isStoredEntity, type LocalRecord, type RelaisDB } from '../db/database';
import { recordKeys } from '../db/queries';
import type { Entity } from '../domain/records';
import type { ChangeRecord } from '../domain/sync';

export const CURSOR_KEY = 'pullCursor';

export async function loadCursor(db: RelaisDB): Promise<string> {
  return ((await db.meta.get(CURSOR_KEY))?.value as string | undefined) ?? '';
}

const keyOf = (entity: Entity, id: string) => `${entity}:${id}`;

export async function applyPulledPage(db: RelaisDB, changes: ChangeRecord[], cursor: string, now: string): Promise<number> {
  let applied = 0;
  await db.transaction('rw', [db.outbox, db.syncIssues, db.meta, db.permanences, db.accompaniments, db.relays, db.procedures], async () => {
    const busy = new Set([...(await recordKeys(db.outbox)), ...(await recordKeys(db.syncIssues))]);
    const byEntity = new Map<string, ChangeRecord[]>();
    for (const c of changes) {
      if (!isStoredEntity(c.entity) || busy.has(keyOf(c.entity, c.id))) continue;
      byEntity.set(c.entity, [...(byEntity.get(c.entity) ?? []), c]);
    }
    for (const [entity, list] of byEntity) {
      if (!isStoredEntity(entity as Entity)) continue;
      const table = db.tableOf(entity as 'accompaniment');
      const existing = await table.bulkGet(list.map((c) => c.id));
      const rows = list.map((c, i) => {
        const old = existing[i];
        return {
          entity: c.entity,
          id: c.id,
          version: c.version,
          deleted: c.deleted,
          // A tombstone comes with `{}`: the device keeps the last data it knew.
          data: c.deleted && old ? old.data : c.data,
          createdAt: old?.createdAt ?? now,
          updatedAt: now,
          createdBy: c.createdBy ?? old?.createdBy,
        } as LocalRecord<'accompaniment'>;
      });
      await table.bulkPut(rows);
      applied += rows.length;
    }
    await db.meta.put({ key: CURSOR_KEY, value: cursor });
  });
  return applied;
}
