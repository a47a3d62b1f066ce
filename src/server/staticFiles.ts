/**
 * Serving the built PWA: `sw.js` and the HTML are never cached by the browser (so an update is
 * seen at once), hashed assets are immutable, and any other path falls back to the app shell.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';

const NO_CACHE = new Set(['sw.js', 'index.html', 'manifest.webmanifest', 'registerSW.js']);

export async function registerStaticFiles(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn('no built app in %s: run `npm run build`', distDir);
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: false,
    index: ['index.html'],
    setHeaders(res, filePath) {
      const name = path.basename(filePath);
      if (NO_CACHE.has(name) || name.startsWith('workbox-')) {
        res.header('Cache-Control', 'no-cache');
      } else if (filePath.includes(`${path.sep}assets${path.sep}`)) {
        res.header('Cache-Control', 'public, max-age=31536000, immutable');
      } else {
        res.header('Cache-Control', 'public, max-age=3600');
      }
      if (name === 'sw.js') res.header('Service-Worker-Allowed', '/');
    },
  });
  // SPA fallback: unknown paths outside the API get the app shell.
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'Ressource introuvable.' } });
    }
    return reply.header('Cache-Control', 'no-cache').type('text/html').sendFile('index.html');
  });
}
