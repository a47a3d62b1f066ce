// `npm run bench`: measures the figures quoted in closing notes. Not a test: it asserts nothing,
// it prints figures next to their targets and writes bench/results/latest.json.
// Chromium is checked first (one line saying what to install, exit 1); then the app is built;
// every server and child process started is stopped at the end, on failure and on SIGINT.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { browserFigures, initialJavaScript, lighthouseFigures, run } from './frontend';
import { requireChromium, runBench } from './lifecycle';
import { peopleFigures, peopleRows } from './people';
import { sealingFigures, sealingRows } from './sealing';
import { engineFigures } from './engines';
import { concurrentDevices, endToEndSync, ingestMedian, serverTallies } from './server';

requireChromium();
await runBench(async () => {
  await run('npm', ['run', 'build']);
  await run('npm', ['run', 'build:server']);

  const results: Record<string, unknown> = { at: new Date().toISOString() };
  const rows: [string, string, string][] = [];
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

  const js = initialJavaScript();
  results.initialJs = js;
  rows.push(['Initial JavaScript (gzip), up to the lock screen', kb(js.gzipBytes), '≤ 120 KB']);
  rows.push(['JavaScript up to today’s screen (gzip; fetched behind the lock screen)', kb(js.withTodayGzipBytes), '≤ 120 KB']);

  const browser = await browserFigures();
  results.browser = browser;
  rows.push([
    'Write path vs raw Dexie put (throughput ratio)',
    `${browser.write.ratio.toFixed(2)} (${Math.round(browser.write.appPerSecond)}/s vs ${Math.round(browser.write.rawPerSecond)}/s)`,
    '≥ 0.5',
  ]);
  rows.push([
    'Unlock (PBKDF2-SHA-256 600,000 + AES-KW unwrap), Chromium',
    `${Math.round(browser.unlock.unlockMs)} ms (${browser.unlock.iterations} iterations)`,
    '< 500 ms',
  ]);
  rows.push(['Open app, « Déverrouiller » shown, 20,000 records', `${Math.round(browser.openTodayMs)} ms`, '< 300 ms']);
  rows.push(['Code entered → today list rendered, 20,000 records', `${Math.round(browser.unlockToListMs)} ms`, '—']);
  rows.push([
    'Browser tally, year of 50,000 (count / read IndexedDB + count)',
    `${Math.round(browser.tally.countMs)} ms / ${Math.round(browser.tally.loadAndCountMs)} ms`,
    '< 150 ms',
  ]);

  const people = await peopleFigures();
  results.people = people;
  rows.push(...peopleRows(people));

  // Known flake (2026-11-30): after the other browser figures, this page sometimes finds the key
  // dropped ("The app is locked"); alone it passes. Its failure is reported in its row instead of
  // stopping every later figure.
  try {
    const sealing = await sealingFigures();
    results.sealing = sealing;
    rows.push(...sealingRows(sealing));
  } catch (error) {
    results.sealing = `failed: ${(error as Error).message}`;
    rows.push(['Sealing figures', `failed: ${(error as Error).message.split('\n')[0]}`, '—']);
  }

  const lh = await lighthouseFigures();
  results.lighthouse = lh;
  rows.push(['Lighthouse mobile performance', String(lh.performance), '≥ 95']);
  rows.push(['Lighthouse accessibility', String(lh.accessibility), '100']);
  rows.push(['Lighthouse best practices', String(lh.bestPractices), '—']);

  const ingest = await ingestMedian();
  results.ingest = ingest;
  rows.push([
    'Server ingest 10,000 ops / 500 over HTTP (compiled server in its own process) vs raw SQLite, same rows and commits (ratio, median of 3 runs)',
    `${ingest.ratio.toFixed(2)} (${Math.round(ingest.httpMs)} ms vs ${Math.round(ingest.rawMs)} ms; runs: ${ingest.runs.map((r) => r.ratio.toFixed(2)).join(', ')}; server in the bench's process: ${ingest.ratioInProcess.toFixed(2)}; records only: ${ingest.ratioRecordsOnly.toFixed(2)}; vs all rows in one commit: ${ingest.ratioOneTransaction.toFixed(2)})`,
    '≥ 0.4',
  ]);

  const e2e = await endToEndSync();
  results.endToEndSync = e2e;
  rows.push(['End-to-end sync of 10,000 queued records (engine)', `${(e2e.ms / 1000).toFixed(1)} s (${e2e.applied} applied, ${e2e.left} left)`, '< 10 s']);

  const load = await concurrentDevices();
  results.concurrentDevices = load;
  rows.push(['50 devices syncing at once: throughput', `${Math.round(load.requestsPerSecond)} req/s`, '—']);
  rows.push(['50 devices syncing at once: p99 latency / errors', `${Math.round(load.p99)} ms / ${load.errors}`, 'p99 < 250 ms, 0 errors']);

  const tallies = await serverTallies();
  results.serverTallies = tallies;
  rows.push([
    'Server tally, year range, 200,000 accompaniments',
    `${Math.round(tallies.yearMs)} ms (week: ${Math.round(tallies.weekMs)} ms; first after ingest: ${Math.round(tallies.firstAfterIngestMs)} ms)`,
    '< 300 ms',
  ]);

  // SQLite and PostgreSQL side by side (PostgreSQL skipped, with a message, without DATABASE_URL).
  const engines = await engineFigures();
  results.engines = engines.results;
  rows.push(...engines.rows);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\nRelais bench\n');
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(34)} target ${target}`);
  const dir = path.resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2));
});
