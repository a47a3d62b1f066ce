// Imports flow one way (README, "Layout"): app → features → platform/db/sync → domain; the server
// imports only the domain. A file that imports against the flow fails here, naming the import.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The folders each layer must not import from. */
const FORBIDDEN: Record<string, string[]> = {
  domain: ['app', 'features', 'platform', 'db', 'sync', 'server', 'crypto'],
  db: ['app', 'features', 'platform', 'sync', 'server'],
  crypto: ['app', 'features', 'platform', 'sync', 'server'],
  sync: ['app', 'features', 'platform', 'server'],
  platform: ['app', 'features', 'server'],
  features: ['app', 'server'],
  server: ['app', 'features', 'platform', 'db', 'sync', 'crypto'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** The top folder of `src` each relative import of a file lands in. */
function importedLayers(file: string): { spec: string; layer: string }[] {
  const source = readFileSync(file, 'utf8');
  const specs = [...source.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((spec) => ({ spec, layer: path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep)[0] }));
}

describe('import direction', () => {
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    it(`src/${layer} imports none of ${forbidden.join(', ')}`, () => {
      const wrong = filesUnder(path.join(SRC, layer)).flatMap((file) =>
        importedLayers(file)
          .filter((i) => forbidden.includes(i.layer))
          .map((i) => `${path.relative(SRC, file)} → ${i.spec}`),
      );
      expect(wrong).toEqual([]);
    });
  }

  it('reads the imports it checks (the scanner itself works)', () => {
    const app = importedLayers(path.join(SRC, 'app/App.tsx')).map((i) => i.layer);
    expect(app).toEqual(expect.arrayContaining(['features', 'platform']));
  });
});
