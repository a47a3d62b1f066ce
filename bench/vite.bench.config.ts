// Builds the in-browser bench page (bench/browser) to be served under /bench/ beside the app.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'bench/browser',
  base: '/bench/',
  define: { __APP_VERSION__: JSON.stringify('bench') },
  build: { outDir: '../../.tmp/bench-page', emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
