/** This tablet's enrolment (device id, token, role, user name), kept in the database's meta table. */
import type { RelaisDB } from '../db/database';
import { SyncError, type Enrolled } from './api';

export interface DeviceCredentials extends Enrolled {
  label: string;
  enrolledAt: string;
}

export const CREDENTIALS_KEY = 'device';
const KEY = CREDENTIALS_KEY;

export async function loadCredentials(db: RelaisDB): Promise<DeviceCredentials | undefined> {
  return (await db.meta.get(KEY))?.value as DeviceCredentials | undefined;
}

export async function saveCredentials(db: RelaisDB, credentials: DeviceCredentials): Promise<void> {
  await db.meta.put({ key: KEY, value: credentials });
}

/**
 * Inside a sync step's transaction: the tablet is still enrolled as the run started (a hand-over
 * to another person wipes it meanwhile: the step must not write the previous user's data back).
 */
export async function assertSameDevice(db: RelaisDB, deviceId: string | undefined): Promise<void> {
  if (deviceId === undefined) return;
  const current = await loadCredentials(db);
  if (current?.deviceId !== deviceId) throw new SyncError('auth', 'the tablet was enrolled again during the sync');
}
