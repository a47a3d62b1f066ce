/**
 * The upgrade of tablets that held personal values in clear before the lock existed. The lock flow
 * calls `afterFirstUnlock()` with the data key in the session, right after the first lock code is
 * set and after every unlock: an interrupted migration finishes at the next unlock, and once it is
 * done (a `meta` mark) the call costs one read. The work itself (sealAll.ts) is loaded only then.
 */
import { db as appDb, type RelaisDB } from '../database';

/** Set in `meta` once no store holds a clear personal value. */
export const SEALED_AT_REST_KEY = 'sealedAtRest';

export async function afterFirstUnlock(db: RelaisDB = appDb): Promise<void> {
  if ((await db.meta.get(SEALED_AT_REST_KEY)) !== undefined) return;
  const { sealClearRows } = await import('./sealAll');
  await sealClearRows(db);
  await db.meta.put({ key: SEALED_AT_REST_KEY, value: new Date().toISOString() });
}
