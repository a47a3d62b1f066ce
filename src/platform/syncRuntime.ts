/**
 * The app's one sync scheduler, started once at launch; screens call `syncNow()`. The engine is
 * loaded after the first paint (it is not needed to show today's screen).
 */
import { db } from '../db/database';
import type { Scheduler } from '../sync/scheduler';

let scheduler: Promise<Scheduler> | null = null;

export function startSync(): Promise<Scheduler> {
  scheduler ??= import('../sync/scheduler').then((m) => m.startScheduler(db));
  return scheduler;
}

export async function syncNow(): Promise<void> {
  return (await startSync()).syncNow();
}
