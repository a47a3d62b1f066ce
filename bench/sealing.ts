// Encryption-at-rest figures (`npm run bench`, or alone: `npm run build && npx tsx bench/sealing.ts`):
// in Chromium, the same work with the sealing middleware and without it, every row holding
// personal values: saving through the write path; on 20,000 visits over a year, the app's own
// queries, alternately on each database: Historique's list over a year and Bilan's read (both show
// no personal value: read as stored), Historique's search (every visit opened) and today's list;
// and "Chercher une personne" among 20,000 sealed people (the index built at unlock from the
// opened people, then per keystroke: index search + hits read and opened).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/e2e/browser';
import { buildBenchSite, startTrackedServer } from './frontend';
import { CHROMIUM_PATH, requireChromium, runBench, track } from './lifecycle';

type Figures = Record<'plain' | 'sealed', Record<string, number>>;
type Bench = { relaisBench: { sealingBench: (n: number, writes: number) => Promise<Figures> } };

export async function sealingFigures(): Promise<Figures> {
  const site = await buildBenchSite();
  const removeSite = track(() => rmSync(site, { recursive: true, force: true }));
  const profile = mkdtempSync(path.join(tmpdir(), 'relais-bench-sealing-'));
  const removeProfile = track(() => rmSync(profile, { recursive: true, force: true }));
  const server = await startTrackedServer({ RELAIS_DIST_DIR: site });
  let closeBrowser = async () => {};
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    closeBrowser = track(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.baseUrl}/bench/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    console.log('sealing bench: 1,000 saves, 20,000 visits, 20,000 people, with and without sealing…');
    return await page.evaluate(() => (window as unknown as Bench).relaisBench.sealingBench(20_000, 1000));
  } finally {
    await closeBrowser();
    await server.stop();
    await removeProfile();
    await removeSite();
  }
}

/** The rows `bench/run.ts` prints. */
export function sealingRows(f: Figures): [string, string, string][] {
  const ratio = (k: string) => f.sealed[k] / f.plain[k];
  const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  return [
    [
      'Sealing: saving a visit with a note (time ratio)',
      `${ratio('writeMs').toFixed(2)} (${Math.round(f.sealed.writesPerSecond)}/s vs ${Math.round(f.plain.writesPerSecond)}/s)`,
      '< 1.5',
    ],
    [
      'Sealing: listing a year, 20,000 visits with notes (Historique’s list, read as stored) (ratio)',
      `${ratio('yearMs').toFixed(2)} (${ms(f.sealed.yearMs)} vs ${ms(f.plain.yearMs)})`,
      '< 1.5',
    ],
    [
      'Sealing: Bilan’s read of 20,000 visits with notes (as stored, to tally facts) (ratio)',
      `${ratio('reportMs').toFixed(2)} (${ms(f.sealed.reportMs)} vs ${ms(f.plain.reportMs)})`,
      '< 1.5',
    ],
    [
      'Sealing: Historique’s search, 20,000 visits with notes all opened (ratio)',
      `${ratio('searchMs').toFixed(2)} (${ms(f.sealed.searchMs)} vs ${ms(f.plain.searchMs)})`,
      '—',
    ],
    [
      'Sealing: Historique’s search, 20,000 visits, 1 in 5 with a note, opened (ratio)',
      `${ratio('mixedSearchMs').toFixed(2)} (${ms(f.sealed.mixedSearchMs)} vs ${ms(f.plain.mixedSearchMs)})`,
      '—',
    ],
    ['Sealing: today’s list among 20,000 visits (ratio)', `${ratio('todayMs').toFixed(2)} (${ms(f.sealed.todayMs)} vs ${ms(f.plain.todayMs)})`, '< 1.5'],
    ['Sealing: people index at unlock, 20,000 people (read, open, build)', `${ms(f.sealed.unlockIndexMs)} (clear: ${ms(f.plain.unlockIndexMs)})`, '—'],
    [
      'Sealing: Chercher une personne, per keystroke (search + hits opened)',
      `${ms(f.sealed.keystrokeMs)} median, ${ms(f.sealed.keystrokeMaxMs)} max (index alone ${f.sealed.searchOnlyMs.toFixed(2)} ms; clear: ${ms(f.plain.keystrokeMs)})`,
      '< 16 ms',
    ],
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  requireChromium();
  await runBench(async () => {
    const f = await sealingFigures();
    console.log(JSON.stringify(f, null, 2));
    for (const [name, value, target] of sealingRows(f)) console.log(`${name}  ${value}  target ${target}`);
  });
}
