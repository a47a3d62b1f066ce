/**
 * Starts the server (api.md "Running it"): `PORT` (8080), `HOST` (127.0.0.1), `RELAIS_DATA_DIR`
 * (./data, the SQLite file), or `DATABASE_URL` (PostgreSQL instead), `RELAIS_ADMIN_TOKEN`
 * (optional coordinator token). Serves the built
 * app from ./dist (or `RELAIS_DIST_DIR`, used by tests that simulate an app update).
 * `RELAIS_TRUST_PROXY` names the reverse proxy whose X-Forwarded-* headers are believed (proxy.ts).
 * `RELAIS_RETENTION_MONTHS` (24): people with no contact for that long are anonymised (retentionJob.ts).
 * With an empty database and no admin token, prints a one-time coordinator enrolment code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { retentionMonths } from '../domain/anonymise';
import { buildApp } from './app';
import { newEnrolmentCode, normalizeCode, sha256 } from './auth';
import { parseTrustProxy, type TrustProxy } from './proxy';
import { scheduleDailyJob } from './retentionJob';
import { describeStore, openRepository } from './store/open';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = path.resolve(process.env.RELAIS_DATA_DIR ?? path.join(root, 'data'));
const adminToken = process.env.RELAIS_ADMIN_TOKEN || undefined;
let trustProxy: TrustProxy;
let retentionMonthsSetting: number;
try {
  trustProxy = parseTrustProxy(process.env.RELAIS_TRUST_PROXY);
  retentionMonthsSetting = retentionMonths(process.env.RELAIS_RETENTION_MONTHS);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const store = { databaseUrl: process.env.DATABASE_URL || undefined, dataDir };
let repo: Awaited<ReturnType<typeof openRepository>>;
try {
  repo = await openRepository(store);
} catch (error) {
  console.error(`Base de données inaccessible (${describeStore(store)}) : ${(error as Error).message}`);
  process.exit(1);
}
const app = await buildApp({
  repo,
  version: pkg.version,
  distDir: process.env.RELAIS_DIST_DIR ?? path.join(root, 'dist'),
  adminToken,
  trustProxy,
  logger: process.env.RELAIS_QUIET !== '1',
});
try {
  await app.listen({ port, host });
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${port} is already in use on ${host}: stop the other server or set PORT.`
      : `Cannot listen on ${host}:${port}: ${(error as Error).message}`,
  );
  await repo.close();
  process.exit(1);
}
const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`;
console.log(`Relais est prêt : ${url} (données : ${describeStore(store)})`);

if ((await repo.countUsers()) === 0 && !adminToken) {
  const code = newEnrolmentCode();
  const now = new Date();
  await repo.createEnrolment({
    codeHash: sha256(normalizeCode(code)),
    role: 'coordinator',
    name: 'Coordination',
    createdBy: 'system',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 24 * 3600 * 1000).toISOString(),
  });
  console.log(
    `\nPremière installation : code d’inscription de la coordination (valable 24 h, une seule fois) : ${code}\nOuvrez ${url} → Réglages → Inscrire cette tablette.\n`,
  );
}

// The daily privacy job (retentionJob.ts), at start and every 24 h: anonymises people with no
// contact for RELAIS_RETENTION_MONTHS, drops copies of refused changes older than 90 days (pushes
// also sweep, at most once an hour) and audit entries older than a year. Logs counts only.
scheduleDailyJob(repo, retentionMonthsSetting, (line) => console.log(line));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => repo.close())
      .then(() => process.exit(0));
  });
}
