// People figures (`npm run bench`, or alone: `npm run build && npx tsx bench/people.ts`): among
// 20,000 followed people in Chromium, the time per keystroke of "Chercher une personne" (the index
// alone, and in the app: input event → hits shown), and opening a person's page with 200 visits
// (hash change → her latest 30 of 200 visits, her path and the count rendered).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/e2e/browser';
import { buildBenchSite, startTrackedServer } from './frontend';
import { CHROMIUM_PATH, requireChromium, runBench, track } from './lifecycle';
import { unlockApp } from './lockCode';

const PEOPLE = 20_000;
const VISITS = 200;
const KEYSTROKES = ['ma', 'mar', 'mart', 'le', 'leg', 'dup', 'dupo', 'he', 'hel', 'fat'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Bench = {
  relaisBench: {
    seedPeople: (n: number, visits: number) => Promise<{ personId: string }>;
    indexBench: (queries: string[]) => Promise<{ buildMs: number; searchMs: number; people: number }>;
  };
};

/** Types each query's last letter into the app's search box; ms from the input event to the hits on screen. */
async function keystrokes(page: Page): Promise<{ syncMs: number; shownMs: number; namesDrawn: string }> {
  const sync: number[] = [];
  let namesDrawn = 0;
  const shown: number[] = [];
  for (const q of KEYSTROKES) {
    const [a, b, drawn] = await page.evaluate(async (query) => {
      const input = document.querySelector<HTMLInputElement>('input[type="search"]')!;
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, query.slice(0, -1));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
      const t = performance.now();
      set.call(input, query);
      input.dispatchEvent(new Event('input', { bubbles: true })); // React renders a discrete event synchronously
      const afterSync = performance.now() - t;
      // Whether her hits (names, commune) were drawn in the keystroke's own render.
      const names = document.querySelector('[aria-label="Personnes trouvées"]')?.getAttribute('data-hits-for') === query ? 1 : 0;
      while (performance.now() - t < 10_000) {
        if (document.querySelector('[aria-label="Personnes trouvées"]')?.getAttribute('data-query') === query) return [afterSync, performance.now() - t, names];
        await new Promise((r) => requestAnimationFrame(r));
      }
      throw new Error(`no hits shown for ${query}`);
    }, q);
    sync.push(a);
    shown.push(b);
    namesDrawn += drawn;
  }
  return { syncMs: median(sync), shownMs: median(shown), namesDrawn: `${namesDrawn}/${KEYSTROKES.length}` };
}

export async function peopleFigures() {
  const site = await buildBenchSite();
  const removeSite = track(() => rmSync(site, { recursive: true, force: true }));
  const profile = mkdtempSync(path.join(tmpdir(), 'relais-bench-people-'));
  const removeProfile = track(() => rmSync(profile, { recursive: true, force: true }));
  const server = await startTrackedServer({ RELAIS_DIST_DIR: site });
  let closeBrowser = async () => {};
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      viewport: { width: 800, height: 1280 },
    });
    closeBrowser = track(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.baseUrl}/bench/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    console.log('people bench: seeding 20,000 people…');
    const { personId } = await page.evaluate(([n, v]) => (window as unknown as Bench).relaisBench.seedPeople(n, v), [PEOPLE, VISITS] as const);
    const index = await page.evaluate((q) => (window as unknown as Bench).relaisBench.indexBench(q), KEYSTROKES);

    await page.goto(`${server.baseUrl}/#/personnes`);
    await unlockApp(page);
    await page.getByRole('heading', { name: 'Personnes' }).waitFor();
    await page.getByText(`${PEOPLE} personnes suivies`).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent?.startsWith('Tapez'));
    console.log('people bench: typing…');
    const typing = await keystrokes(page);
    console.log('people bench: opening her page…');

    page.on('pageerror', (e) => console.error('page error:', e.message));
    const opens: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${server.baseUrl}/#/personnes`);
      await page.getByRole('heading', { name: 'Personnes' }).waitFor();
      opens.push(
        await page
          .evaluate(async (id) => {
            const t = performance.now();
            location.hash = `#/personnes/${id}`;
            while (performance.now() - t < 10_000) {
              const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Visites (200)');
              // Her page draws her latest 30 visits first (« Voir les visites plus anciennes » for the rest).
              if (heading && document.querySelectorAll('.person-visits li').length === 30 && document.querySelector('.autonomy')) return performance.now() - t;
              await new Promise((r) => requestAnimationFrame(r));
            }
            throw new Error('person page not shown');
          }, personId)
          .catch(async (error: unknown) => {
            await page.screenshot({ path: path.join(import.meta.dirname, '..', '.tmp/bench-person-failure.png') });
            throw error;
          }),
      );
    }
    return {
      people: index.people,
      indexBuildMs: index.buildMs,
      indexSearchMs: index.searchMs,
      keystrokeSyncMs: typing.syncMs,
      keystrokeNamesDrawn: typing.namesDrawn,
      keystrokeShownMs: typing.shownMs,
      openPersonMs: median(opens.slice(1)),
    };
  } finally {
    await closeBrowser();
    await server.stop();
    await removeProfile();
    await removeSite();
  }
}

/** The rows `bench/run.ts` prints. */
export function peopleRows(f: Awaited<ReturnType<typeof peopleFigures>>): [string, string, string][] {
  return [
    [
      'Chercher une personne among 20,000: per keystroke (index / in the app until hits shown)',
      `${f.indexSearchMs.toFixed(2)} ms / ${Math.round(f.keystrokeShownMs)} ms (render ${f.keystrokeSyncMs.toFixed(1)} ms, names drawn in it for ${f.keystrokeNamesDrawn} keystrokes; index built in ${Math.round(f.indexBuildMs)} ms)`,
      '< 16 ms',
    ],
    ['Open a person’s page with 200 visits', `${Math.round(f.openPersonMs)} ms`, '< 100 ms'],
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  requireChromium();
  await runBench(async () => {
    const rows = peopleRows(await peopleFigures());
    for (const [name, value, target] of rows) console.log(`${name}  ${value}  target ${target}`);
  });
}
