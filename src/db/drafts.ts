/**
 * Form drafts: what is being typed is written to the database as it is typed, so a reload, a
 * crash or an app update never loses a half-filled form. A draft keeps when it was saved
 * (`savedAt`): a draft older than its record's last change was made on an older version.
 */
import { db as appDb, type Draft, type RelaisDB } from './database';

export async function loadDraft<T>(key: string, db: RelaisDB = appDb): Promise<T | undefined> {
  const row = await db.drafts.get(key);
  return row?.value as T | undefined;
}

/** The draft with when it was saved. */
export async function loadDraftRow<T>(key: string, db: RelaisDB = appDb): Promise<(Draft & { value: T }) | undefined> {
  return (await db.drafts.get(key)) as (Draft & { value: T }) | undefined;
}

export async function saveDraft(key: string, value: unknown, db: RelaisDB = appDb): Promise<void> {
  await db.drafts.put({ key, value, savedAt: new Date().toISOString() });
}

export async function clearDraft(key: string, db: RelaisDB = appDb): Promise<void> {
  await db.drafts.delete(key);
}
