/**
 * Starts the server: `PORT` (8080), `HOST` (127.0.0.1), serving the built app from ./dist
 * (or `RELAIS_DIST_DIR`, used by tests that serve a modified copy to simulate an app update).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { buildApp } from './app';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const app = await buildApp({ distDir: process.env.RELAIS_DIST_DIR ?? path.join(root, 'dist'), version: pkg.version, logger: process.env.RELAIS_QUIET !== '1' });
await app.listen({ port, host });
console.log(`Relais est prêt : http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
