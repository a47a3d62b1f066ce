// What the bench starts, it stops: every server and child process is registered here and stopped
// when the bench ends, fails, or gets SIGINT/SIGTERM, so `npm run bench` never leaves a process
// behind (a stray server holding the caller's stderr open would hang it). Chromium is checked
// before anything starts.
import { accessSync, constants } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

/** Debian's Chromium unless CHROMIUM_PATH names another binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Stops the bench with one line saying what to install when Chromium cannot be run. */
export function requireChromium(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    const where = process.env.CHROMIUM_PATH ? ` (no executable at ${CHROMIUM_PATH})` : '';
    console.error(`Chromium is missing${where}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    process.exit(1);
  }
}

const stoppers = new Set<() => Promise<void>>();

/** Registers a stop function; returns it made idempotent (call it in your own `finally`). */
export function track(stop: () => Promise<void> | void): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    stoppers.delete(once);
    done ??= Promise.resolve().then(stop);
    return done;
  };
  stoppers.add(once);
  return once;
}

/** Tracks a child process: stopping it kills it and waits for its exit. */
export function trackChild(child: ChildProcess): () => Promise<void> {
  return track(async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return; // never started, or gone
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  });
}

async function stopAll(): Promise<void> {
  for (const stop of [...stoppers].reverse()) await stop().catch(() => undefined);
}

/** Runs the bench's body; whatever happens, stops everything it started, then exits. */
export async function runBench(body: () => Promise<void>): Promise<never> {
  const interrupted = (signal: NodeJS.Signals) => () => {
    console.error(`\nBench interrupted (${signal}): stopping what it started.`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted('SIGINT'));
  process.once('SIGTERM', interrupted('SIGTERM'));
  process.on('uncaughtException', (error) => {
    console.error(`Bench failed: ${error.message.split('\n')[0]}`, error.stack);
    void stopAll().finally(() => process.exit(1));
  });
  let code = 0;
  try {
    await body();
  } catch (error) {
    console.error(`Bench failed: ${(error as Error).message.split('\n')[0]}`, (error as Error).stack);
    code = 1;
  } finally {
    await stopAll();
  }
  process.exit(code);
}
