// Front-end figures: initial JavaScript (gzipped), IndexedDB write path vs raw Dexie, time to
// open the app on 20,000 records, and Lighthouse mobile scores.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/e2e/browser';
import { startServer } from '../tests/e2e/globalSetup';
import { CHROMIUM_PATH, track, trackChild } from './lifecycle';
import { BENCH_LOCK_CODE } from './lockCode';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}

/**
 * JavaScript needed to show and use today's screen: the entry, the app it loads right after the
 * first paint (`boot`), their static imports, and workbox-window (registered at start). Other
 * screens load on demand and are not counted. Read from Vite's build manifest.
 */
/**
 * The JavaScript the first paint needs (entry, boot and their imports: the lock screen), and with
 * the app's screens fetched behind it (today's screen, shown once unlocked).
 */
export function initialJavaScript(): { files: string[]; gzipBytes: number; withTodayFiles: string[]; withTodayGzipBytes: number } {
  const manifest = JSON.parse(readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
  visit(entry);
  for (const k of manifest[entry].dynamicImports ?? []) visit(k);
  for (const k of Object.keys(manifest)) if (manifest[k].file.includes('workbox-window')) visit(k);
  const gzip = (list: string[]) => list.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(DIST, f)), { level: 9 }).length, 0);
  const list = [...files];
  visit('src/app/App.tsx');
  const withToday = [...files];
  return { files: list, gzipBytes: gzip(list), withTodayFiles: withToday, withTodayGzipBytes: gzip(withToday) };
}

export async function buildBenchSite(): Promise<string> {
  await run('npx', ['vite', 'build', '--config', 'bench/vite.bench.config.ts']);
  const site = mkdtempSync(path.join(tmpdir(), 'relais-bench-site-'));
  cpSync(DIST, site, { recursive: true });
  mkdirSync(path.join(site, 'bench'));
  cpSync(path.join(ROOT, '.tmp/bench-page'), path.join(site, 'bench'), { recursive: true });
  return site;
}

/** Runs a command to completion (killed if the bench stops first). */
export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    const stop = trackChild(p);
    p.on('error', (error) => void stop().then(() => reject(error)));
    p.on('exit', (code) => void stop().then(() => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} → ${code}`)))));
  });
}

/** The real server (as `npm start`), stopped when the bench stops. */
export async function startTrackedServer(env?: Record<string, string>) {
  const server = await startServer(env);
  return { baseUrl: server.baseUrl, stop: track(server.stop) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function browserFigures() {
  const site = await buildBenchSite();
  const removeSite = track(() => rmSync(site, { recursive: true, force: true }));
  const profile = mkdtempSync(path.join(tmpdir(), 'relais-bench-chromium-'));
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
    type Bench = {
      relaisBench: {
        writeBench: (n: number) => Promise<Record<string, number>>;
        seed: (n: number, t: number) => Promise<unknown>;
        tallyBench: (n: number) => Promise<Record<string, number>>;
        unlockBench: () => Promise<{ iterations: number; unlockMs: number; runs: number[] }>;
      };
    };
    const unlock = await page.evaluate(() => (window as unknown as Bench).relaisBench.unlockBench());
    const write = await page.evaluate(() => (window as unknown as Bench).relaisBench.writeBench(2000));
    await page.evaluate(() => (window as unknown as Bench).relaisBench.seed(20_000, 20));

    // The app opens on « Déverrouiller »: the time to show it, then from the code's « Entrée » to
    // today's list (unlock, post-unlock work, first render of the screen).
    const openTimes: number[] = [];
    const unlockToList: number[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(`${server.baseUrl}/`);
      const field = page.getByLabel('Code de verrouillage', { exact: true });
      await field.waitFor({ timeout: 30_000 });
      const lockShown = await page.evaluate(() => performance.now());
      await field.fill(BENCH_LOCK_CODE);
      const submitted = await page.evaluate(() => performance.now());
      await field.press('Enter');
      await page
        .waitForFunction(() => document.querySelectorAll('[aria-label="Accompagnements du jour"] li').length >= 20, undefined, {
          polling: 'raf',
          timeout: 30_000,
        })
        .catch(async (error: unknown) => {
          await page.screenshot({ path: path.join(ROOT, '.tmp/bench-failure.png') });
          throw error;
        });
      const listed = await page.evaluate(() => performance.now());
      if (i > 0) {
        // the first load installs the service worker
        openTimes.push(lockShown);
        unlockToList.push(listed - submitted);
      }
    }
    // The app's service worker would answer this navigation with the app shell: remove it first.
    await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((rs) => Promise.all(rs.map((r) => r.unregister()))));
    await page.goto(`${server.baseUrl}/bench/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const tally = await page.evaluate(() => (window as unknown as Bench).relaisBench.tallyBench(50_000));
    return { write, openTodayMs: median(openTimes), openTodayRuns: openTimes, unlockToListMs: median(unlockToList), unlock, tally };
  } finally {
    await closeBrowser();
    await server.stop();
    await removeProfile();
    await removeSite();
  }
}

export async function lighthouseFigures() {
  const server = await startTrackedServer();
  const port = 9300 + Math.floor(Math.random() * 500);
  const profile = mkdtempSync(path.join(tmpdir(), 'relais-lh-'));
  const chrome = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: 'ignore',
  });
  const stopChrome = trackChild(chrome);
  const failed = new Promise<never>((_, reject) => chrome.once('error', reject));
  try {
    await Promise.race([failed, new Promise((r) => setTimeout(r, 1500))]);
    const { default: lighthouse } = await import('lighthouse');
    const result = await lighthouse(`${server.baseUrl}/`, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const categories = result?.lhr.categories ?? {};
    const score = (k: string) => Math.round((categories[k]?.score ?? 0) * 100);
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      lcpMs: Math.round(result?.lhr.audits['largest-contentful-paint']?.numericValue ?? 0),
    };
  } finally {
    await stopChrome();
    await server.stop();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}
