// The JavaScript budget of the first screens on a slow tablet, read from the build (dist/) as the
// bench measures it: what the lock screen needs, and with today's screen (≤ 120 KB gzipped each).
// What loads on demand must be precached, or the app would not open offline.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialJavaScript } from '../../bench/frontend';

const DIST = path.resolve(import.meta.dirname, '../../dist');
const KB = 1024;

describe('the built app', () => {
  it('fits the lock screen, and today’s screen behind it, in 120 KB of gzipped JavaScript each', () => {
    const js = initialJavaScript();
    expect(js.gzipBytes).toBeLessThanOrEqual(120 * KB);
    expect(js.withTodayGzipBytes).toBeLessThanOrEqual(120 * KB);
    // Rarely shown, loaded on demand: the blocked tablet's recovery, the wipe, the other screens.
    const manifest = JSON.parse(readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    for (const lazy of ['src/features/lock/BlockedScreen.tsx', 'src/features/settings/SettingsScreen.tsx', 'src/features/history/HistoryScreen.tsx']) {
      expect(js.withTodayFiles).not.toContain(manifest[lazy].file);
    }
  });

  it('precaches every chunk, those loaded on demand too, for offline use', () => {
    const sw = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
    const chunks = readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(sw).toContain(`"assets/${chunk}"`);
  });
});
