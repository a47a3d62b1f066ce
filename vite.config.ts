// Builds the PWA: React, and a service worker (vite-plugin-pwa / Workbox) that precaches the app
// shell so the app opens offline. Updates wait for the user's "Mettre à jour" (registerType prompt).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import type { ChunkingContext } from 'rolldown';
import { fileURLToPath } from 'node:url';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'robots.txt', 'icons/*.png'],
      manifest: {
        name: 'Relais – médiation numérique',
        short_name: 'Relais',
        description: 'Le carnet de la médiatrice numérique itinérante : permanences et accompagnements, même sans réseau.',
        lang: 'fr-FR',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f6f4ef',
        theme_color: '#0b5d55',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    sourcemap: false,
    manifest: true,
    // The screens App.tsx loads on demand come from the service worker's precache: App's chunk does
    // not list the chunks each one imports, to preload them (that list alone weighed 0.7 KB gzipped
    // of today's screen's JavaScript); a screen's chunk fetches its imports as it loads. Vite still
    // loads their CSS (never passed here).
    modulePreload: { resolveDependencies: (_url, deps, { hostId }) => (/^assets\/App-[\w-]+\.js$/.test(hostId) ? [] : deps) },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Higher priority first: what both need goes in `boot`. Each group holds all the static
            // imports of its members but the entry's, so none has to pull its dependencies in.
            { name: staticallyImportedBy('src/boot.tsx', 'boot', { withEntry: true }), priority: 2, includeDependenciesRecursively: false },
            { name: staticallyImportedBy('src/app/App.tsx', 'app-deps', { withEntry: false }), priority: 1, includeDependenciesRecursively: false },
          ],
        },
      },
    },
  },
});

/**
 * What the first screens need comes in two files instead of a dozen small shared chunks (each
 * file is gzipped on its own: apart, they cost ~5 KB more): `boot`, `src/boot.tsx` and what it
 * imports statically (the lock screen), and `app-deps`, what `src/app/App.tsx` adds (today's
 * screen, fetched behind the lock screen). Only statically imported modules are grouped (each one
 * is loaded before its screen anyway; nothing loaded on demand moves in), never what the entry
 * (`src/main.tsx`, the first paint of the static shell) imports itself. App.tsx stays a chunk of
 * its own: the bench finds it by name in the build manifest.
 */
function staticallyImportedBy(entry: string, chunk: string, { withEntry }: { withEntry: boolean }) {
  const file = (f: string) => fileURLToPath(new URL(f, import.meta.url));
  let members: Set<string> | undefined;
  return (id: string, ctx: ChunkingContext): string | null => {
    if (!members) {
      const closure = (root: string) => {
        const seen = new Set<string>();
        const visit = (m: string) => {
          if (seen.has(m)) return;
          seen.add(m);
          ctx.getModuleInfo(m)?.importedIds.forEach(visit);
        };
        visit(root);
        return seen;
      };
      const initial = closure(file('src/main.tsx'));
      members = new Set([...closure(file(entry))].filter((m) => !initial.has(m) && (withEntry || m !== file(entry))));
    }
    return members.has(id) ? chunk : null;
  };
}
