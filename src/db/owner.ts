/**
 * The tablet's user, as the records know her: the name of the enrolment kept in `meta` (key
 * `device`, written by the enrolment, see `src/sync/credentials.ts`). Queries of "her" records
 * (today, open permanence, recent entries) read it inside their own live query, so that an
 * enrolment changes what they show at once.
 */
import { db as appDb, type RelaisDB } from './database';

/** The same key as `src/sync/credentials.ts` (db cannot import sync). */
const DEVICE_KEY = 'device';

export async function ownerName(db: RelaisDB = appDb): Promise<string | null> {
  const value = (await db.meta.get(DEVICE_KEY))?.value as { name?: unknown } | undefined;
  return typeof value?.name === 'string' ? value.name : null;
}
