/**
 * Exports from the dashboard: from the server when the tablet is enrolled and online (all the
 * records the user may see, CSV and Excel), otherwise CSV made on the tablet by the same shared
 * code. File names carry the period (`relais_2026-W48_bilan.csv`).
 */
import { toCsv } from '../../domain/csv';
import { ACCOMPANIMENT_HEADERS, accompanimentRows, exportFileName, REPORT_TITLE, tallyCsvRows, tallyTables, type Labelling } from '../../domain/exports';
import type { Period } from '../../domain/dates';
import type { AccompanimentFact, PermanenceFact, Tally, TallyFilter } from '../../domain/tally';

export type ExportKind = 'tallies.csv' | 'tallies.xlsx' | 'accompaniments.csv';

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function periodQuery(period: Period, periodName: string, filter: TallyFilter): string {
  const q = new URLSearchParams(/^\d{4}-W\d{2}$/.test(periodName) ? { week: periodName } : { from: period.from, to: period.to });
  if (filter.mediator) q.set('mediator', filter.mediator);
  if (filter.commune) q.set('commune', filter.commune);
  if (filter.relay) q.set('relay', filter.relay);
  return q.toString();
}

export async function exportFromServer(kind: ExportKind, token: string, period: Period, periodName: string, filter: TallyFilter): Promise<void> {
  const res = await fetch(`/api/v1/exports/${kind}?${periodQuery(period, periodName, filter)}`, {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const [what, ext] = kind === 'accompaniments.csv' ? ['accompagnements', 'csv'] : ['bilan', kind.split('.')[1]];
  save(await res.blob(), exportFileName(periodName, what, ext));
}

export function exportOnDevice(
  kind: Exclude<ExportKind, 'tallies.xlsx'>,
  tally: Tally,
  facts: { accompaniments: AccompanimentFact[]; permanences: PermanenceFact[] },
  periodName: string,
  names: Labelling,
): void {
  const csv =
    kind === 'tallies.csv'
      ? toCsv(tallyCsvRows(REPORT_TITLE, tally.period, tallyTables(tally, names)))
      : toCsv([
          ACCOMPANIMENT_HEADERS,
          ...accompanimentRows(facts.accompaniments, tally.period, names, new Map(facts.permanences.map((p) => [p.id, p.relayId]))),
        ]);
  save(new Blob([csv], { type: 'text/csv;charset=utf-8' }), exportFileName(periodName, kind === 'tallies.csv' ? 'bilan' : 'accompagnements', 'csv'));
}
