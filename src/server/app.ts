/**
 * The server's app factory: the JSON API under /api/v1 and the built PWA on the same port.
 * `buildApp()` is what tests drive with `inject()` and what `main.ts` listens with.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerSecurityHeaders } from './securityHeaders';
import { registerStaticFiles } from './staticFiles';

export interface AppOptions {
  distDir?: string;
  version: string;
  logger?: boolean;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    bodyLimit: 5 * 1024 * 1024,
  });
  registerSecurityHeaders(app);
  app.get('/api/v1/health', async () => ({ status: 'ok', version: options.version, storage: 'sqlite' }));
  if (options.distDir) await registerStaticFiles(app, options.distDir);
  return app;
}
