// Real server processes (`node --import tsx src/server/main.ts`, or the compiled
// `node dist-server/server/main.js`) on a free port, for tests over real HTTP between processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { ADMIN } from './helpers';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  base: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export async function spawnServer(env: Record<string, string>, options: { compiled?: boolean } = {}): Promise<Child> {
  const port = await freePort();
  const args = options.compiled ? ['dist-server/server/main.js'] : ['--import', 'tsx', 'src/server/main.ts'];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      RELAIS_ADMIN_TOKEN: ADMIN,
      RELAIS_QUIET: '1',
      RELAIS_DIST_DIR: path.join(env.RELAIS_DATA_DIR ?? '/nonexistent', 'no-dist'),
      ...env,
      PORT: String(port),
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return { base, process: child, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}
