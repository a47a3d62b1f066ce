/**
 * Form drafts: what is being typed is written to the database as it is typed, so a reload, a
 * crash or an app update never loses a half-filled form.
 */
import { db } from './database';

export async function loadDraft<T>(key: string): Promise<T | undefined> {
  const row = await db.drafts.get(key);
  return row?.value as T | undefined;
}

export async function saveDraft(key: string, value: unknown): Promise<void> {
  await db.drafts.put({ key, value, savedAt: new Date().toISOString() });
}

export async function clearDraft(key: string): Promise<void> {
  await db.drafts.delete(key);
}
