/** This tablet's enrolment (device id, token, role, user name), kept in the database's meta table. */
import type { RelaisDB } from '../db/database';
import type { Enrolled } from './api';

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
