/**
 * Stub until the privacy-fields branch lands: that branch replaces this module with the migration
 * that encrypts the clear personal data of tablets in use before the lock existed.
 *
 * Contract with the lock flow (src/platform/lock.ts): called with the data key already in
 * the session, right after the first lock code is set AND after every unlock, before the app's
 * screens and the sync start; it must therefore be idempotent (an interrupted migration finishes
 * at the next unlock) and cheap when there is nothing left to do.
 */
import type { RelaisDB } from '../database';

export async function afterFirstUnlock(_db?: RelaisDB): Promise<void> {}
