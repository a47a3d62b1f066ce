/**
 * `npm run backup [file]` (while the server runs) and `npm run restore <file>` (server stopped),
 * on `RELAIS_DATA_DIR/relais.sqlite` (./data by default). Prints what it did; exits 1 on failure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backupDatabase, restoreDatabase } from './backup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dbFile = path.join(path.resolve(process.env.RELAIS_DATA_DIR ?? path.join(root, 'data')), 'relais.sqlite');
const [command, file] = process.argv.slice(2);

try {
  if (command === 'backup') {
    const done = await backupDatabase(dbFile, file ? path.resolve(file) : undefined);
    console.log(`Sauvegarde écrite : ${done.file}`);
  } else if (command === 'restore' && file) {
    const done = restoreDatabase(dbFile, path.resolve(file));
    console.log(`Base restaurée depuis ${file}${done.previous ? ` (l’ancienne est gardée : ${done.previous})` : ''}.`);
    console.log('Nouvelle identité de base : les tablettes reprendront leur synchronisation depuis le début.');
    if (done.reErased) console.log(`${done.reErased} personne(s) effacée(s) depuis cette sauvegarde l’ont été à nouveau.`);
  } else {
    console.error('Usage : npm run backup [fichier]  |  npm run restore <fichier>');
    process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
