/** The pull cursor: an opaque string from the server, kept in `meta` ('' = from the beginning). */
import type { RelaisDB } from '../db/database';
import { PULL_CURSOR_KEY } from '../db/schema';

export const CURSOR_KEY = PULL_CURSOR_KEY;

export async function loadCursor(db: RelaisDB): Promise<string> {
  return ((await db.meta.get(CURSOR_KEY))?.value as string | undefined) ?? '';
}
