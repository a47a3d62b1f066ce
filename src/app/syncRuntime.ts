/** The app's one sync scheduler, started once at launch; screens call `syncNow()`. */
import { db } from '../db/database';
import { startScheduler, type Scheduler } from '../sync/scheduler';

let scheduler: Scheduler | null = null;

export function startSync(): void {
  scheduler ??= startScheduler(db);
}

export function syncNow(): Promise<void> {
  if (!scheduler) startSync();
  return scheduler!.syncNow();
}
