/**
 * The server's app factory: the JSON API under /api/v1 and the built PWA on the same port.
 * `buildApp()` is what tests drive with `inject()` and what `main.ts` listens with.
 * Every request and connection has a time limit (timeouts.ts); `X-Forwarded-*` headers are believed
 * only from the proxy RELAIS_TRUST_PROXY names (proxy.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_PUSH_BYTES } from '../domain/sync';
import { createContext, type LimitOptions } from './context';
import { registerErrorHandling } from './errors';
import { registerDeviceRoutes } from './routes/devices';
import { registerPeopleRoutes } from './routes/people';
import { registerPrivacyRoutes } from './routes/privacy';
import { registerSyncRoutes } from './routes/sync';
import { registerTallyRoutes } from './routes/tallies';
import { registerSecurityHeaders } from './securityHeaders';
import { registerStaticFiles } from './staticFiles';
import type { Repository } from './store/repository';
import type { TrustProxy } from './proxy';
import { registerBodyDeadline, serverTimeouts, TIMEOUTS, type Timeouts } from './timeouts';

export interface AppOptions {
  repo: Repository;
  version: string;
  distDir?: string;
  adminToken?: string;
  logger?: boolean;
  now?: () => Date;
  limits?: LimitOptions;
  /** RELAIS_TRUST_PROXY, parsed (proxy.ts); false by default. */
  trustProxy?: TrustProxy;
  timeouts?: Partial<Timeouts>;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const timeouts = { ...TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    // Requests are logged by method, route and status only: no body, no query, no token.
    logger: options.logger
      ? { level: 'info', serializers: { req: (req) => ({ method: req.method, url: req.routeOptions?.url ?? req.url.split('?')[0] }) } }
      : false,
    bodyLimit: MAX_PUSH_BYTES,
    trustProxy: options.trustProxy ?? false,
    ...serverTimeouts(timeouts),
    ajv: { customOptions: { allErrors: true, coerceTypes: false } },
  });
  const ctx = createContext(options.repo, options.adminToken, options.now ?? (() => new Date()), options.limits);
  registerBodyDeadline(app, timeouts);
  registerSecurityHeaders(app);
  registerErrorHandling(app);
  // `engine` (README "API extensions") names the storage engine; `storage` is api.md's name for it.
  app.get('/api/v1/health', async () => ({ status: 'ok', version: options.version, storage: options.repo.kind, engine: options.repo.kind }));
  registerDeviceRoutes(app, ctx);
  registerSyncRoutes(app, ctx);
  registerTallyRoutes(app, ctx);
  registerPeopleRoutes(app, ctx);
  registerPrivacyRoutes(app, ctx);
  if (options.distDir) await registerStaticFiles(app, options.distDir);
  else app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'Ressource introuvable.' } }));
  return app;
}
