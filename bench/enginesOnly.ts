// `npm run bench:engines`: only the storage engine figures (bench/engines.ts), without the browser.
import { execFileSync } from 'node:child_process';
import { engineFigures } from './engines';
import { runBench } from './lifecycle';

await runBench(async () => {
  execFileSync('npm', ['run', 'build:server'], { stdio: 'inherit' });
  const n = (v: string | undefined) => (v ? Number(v) : undefined);
  const { rows } = await engineFigures({ ingest: n(process.env.BENCH_INGEST), tally: n(process.env.BENCH_TALLY) });
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value}  target ${target}`);
});
