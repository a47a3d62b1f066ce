/**
 * Bilan: pick a week (default: the last complete one) or a date range, filter by mediator, commune
 * or relay; totals, a 12-week chart and every breakdown with percentages, computed on the tablet
 * by the shared tally function (offline too). Exports and a printable A4 report.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { SelectField } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { useScreenState } from '../common/useScreenState';
import { db } from '../../db/database';
import { addDays, isoWeekOf, isValidDate, lastCompleteWeek, parisDate, parseWeek, weekName, weekPeriod, weeksEndingWith } from '../../domain/dates';
import { shortDate, weekLabel } from '../../domain/format';
import { ASSOCIATION_NAME, REPORT_TITLE, tallyTables, type Labelling } from '../../domain/exports';
import { communeName } from '../../domain/reference';
import { computeTally, filterFacts, type TallyFilter } from '../../domain/tally';
import { loadCredentials, loadEnrolment } from '../../sync/credentials';
import { useToast } from '../common/toastStore';
import { useProcedureLabels, useRelays } from '../common/useReference';
import { exportFromServer, exportOnDevice, type ExportKind } from './exportFiles';
import { useReportFacts } from './useReportFacts';
import { WeekChart } from './WeekChart';

export default function ReportScreen() {
  const today = parisDate(new Date());
  const [mode, setMode] = useScreenState<'week' | 'range'>('report.mode', () => 'week');
  const [week, setWeek] = useScreenState('report.week', () => weekName(lastCompleteWeek(today)));
  const [from, setFrom] = useScreenState('report.from', () => weekPeriod(lastCompleteWeek(today)).from);
  const [to, setTo] = useScreenState('report.to', () => weekPeriod(lastCompleteWeek(today)).to);
  const [filter, setFilter] = useScreenState<TallyFilter>('report.filter', () => ({}));
  const facts = useReportFacts();
  const relays = useRelays();
  const procedureLabel = useProcedureLabels();
  const credentials = useLiveQuery(async () => (await loadEnrolment(db)) ?? null);
  const showToast = useToast((s) => s.show);

  const parsedWeek = parseWeek(week);
  const rangeError =
    mode === 'range' && (!isValidDate(from) || !isValidDate(to) ? 'Dates invalides.' : from > to ? 'La date de début est après la date de fin.' : null);
  const weekError = mode === 'week' && !parsedWeek ? 'Semaine invalide.' : null;
  const period = mode === 'week' ? (parsedWeek ? weekPeriod(parsedWeek) : null) : rangeError ? null : { from, to };
  const periodName = mode === 'week' ? week : `${from}_${to}`;
  const names: Labelling = { procedure: procedureLabel, relay: (id) => relays?.get(id)?.data.name ?? id };

  const filtered = useMemo(() => (facts ? filterFacts(facts.accompaniments, facts.permanences, filter) : undefined), [facts, filter]);
  const tally = useMemo(
    () => (filtered && period ? computeTally(filtered.accompaniments, filtered.permanences, period, facts?.tally) : undefined),
    [filtered, period?.from, period?.to, facts?.tally],
  );
  const chartWeeks = useMemo(() => {
    if (!filtered || !period) return [];
    const last = mode === 'week' && parsedWeek ? parsedWeek : lastCompleteWeek(period.to);
    return weeksEndingWith(last, 12).map((w) => ({
      label: `S${w.week}`,
      tally: computeTally(filtered.accompaniments, filtered.permanences, weekPeriod(w), facts?.tally),
    }));
  }, [filtered, period?.from, period?.to, mode, week]);

  const mediators = useMemo(() => [...new Set(facts?.accompaniments.map((a) => a.mediator) ?? [])].sort().map((m) => ({ value: m, label: m })), [facts]);
  const relayOptions = useMemo(() => [...(relays?.values() ?? [])].map((r) => ({ value: r.id, label: r.data.name })), [relays]);
  const communes = useMemo(
    () =>
      [...new Set(facts?.accompaniments.map((a) => a.communeInsee) ?? [])]
        .map((insee) => ({ value: insee, label: communeName(insee) }))
        .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
    [facts],
  );

  const shiftWeek = (by: number) => {
    if (parsedWeek) setWeek(weekName(isoWeekOf(addDays(weekPeriod(parsedWeek).from, by * 7))));
  };

  const doExport = async (kind: ExportKind) => {
    if (!tally || !filtered || !period) return;
    try {
      const withToken = credentials && navigator.onLine ? await loadCredentials(db) : undefined;
      if (withToken) await exportFromServer(kind, withToken.token, period, periodName, filter);
      else if (kind === 'tallies.xlsx') throw new Error('offline');
      else exportOnDevice(kind, tally, filtered, periodName, names);
    } catch {
      if (kind !== 'tallies.xlsx') {
        exportOnDevice(kind, tally, filtered, periodName, names);
        showToast({ message: 'Serveur injoignable : export fait avec les données de la tablette.' });
      } else showToast({ message: 'L’export Excel demande une connexion au serveur. L’export CSV fonctionne hors ligne.', tone: 'error' });
    }
  };

  const tables = tally ? tallyTables(tally, names) : [];
  const periodText = period ? (mode === 'week' && parsedWeek ? weekLabel(parsedWeek) : `Du ${shortDate(period.from)} au ${shortDate(period.to)}`) : '';

  return (
    <section className="screen report" aria-labelledby="report-title">
      <div className="print-only print-header">
        <p className="print-association">{ASSOCIATION_NAME}</p>
        <p>{REPORT_TITLE}</p>
      </div>
      <h1 id="report-title" tabIndex={-1}>
        Bilan <span className="subtitle">{periodText}</span>
      </h1>

      <div className="report-controls no-print">
        <fieldset className="group group-plain">
          <legend>Période</legend>
          <div className="chips">
            <label className="chip">
              <input type="radio" name="period-mode" checked={mode === 'week'} onChange={() => setMode('week')} />
              <span>Une semaine</span>
            </label>
            <label className="chip">
              <input type="radio" name="period-mode" checked={mode === 'range'} onChange={() => setMode('range')} />
              <span>Des dates</span>
            </label>
          </div>
        </fieldset>
        {mode === 'week' ? (
          <div className="week-nav">
            <button type="button" className="button button-secondary" onClick={() => shiftWeek(-1)} aria-label="Semaine précédente">
              ‹
            </button>
            <div className="field">
              <label htmlFor="report-week">Semaine</label>
              <input id="report-week" type="week" value={week} onChange={(e) => setWeek(e.target.value)} aria-invalid={weekError ? true : undefined} />
            </div>
            <button type="button" className="button button-secondary" onClick={() => shiftWeek(1)} aria-label="Semaine suivante">
              ›
            </button>
          </div>
        ) : (
          <div className="row">
            <TextField id="report-from" type="date" label="Du" value={from} onChange={setFrom} />
            <TextField id="report-to" type="date" label="Au" value={to} onChange={setTo} />
          </div>
        )}
        {(rangeError || weekError) && <p className="field-error">{rangeError || weekError}</p>}
        <div className="row">
          <SelectField
            id="filter-mediator"
            label="Médiateur·rice"
            value={filter.mediator ?? ''}
            options={mediators}
            empty="Tous"
            onChange={(mediator) => setFilter({ ...filter, mediator: mediator || undefined })}
          />
          <SelectField
            id="filter-commune"
            label="Commune"
            value={filter.commune ?? ''}
            options={communes}
            empty="Toutes"
            onChange={(commune) => setFilter({ ...filter, commune: commune || undefined })}
          />
          <SelectField
            id="filter-relay"
            label="Relais"
            value={filter.relay ?? ''}
            options={relayOptions}
            empty="Tous"
            onChange={(relay) => setFilter({ ...filter, relay: relay || undefined })}
          />
        </div>
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={() => void doExport('tallies.csv')}>
            Exporter (CSV)
          </button>
          <button type="button" className="button button-secondary" onClick={() => void doExport('tallies.xlsx')}>
            Exporter (Excel)
          </button>
          <button type="button" className="button button-ghost" onClick={() => void doExport('accompaniments.csv')}>
            Exporter les accompagnements (CSV)
          </button>
          <button type="button" className="button button-ghost" onClick={() => window.print()}>
            Imprimer
          </button>
        </div>
      </div>

      {tally && (
        <>
          <dl className="totals" aria-label="Totaux">
            {[
              ['Permanences', tally.totals.permanences],
              ['Accompagnements', tally.totals.accompaniments],
              ['Personnes', tally.totals.people],
              ['Nouvelles personnes', tally.totals.newPeople],
              ['Heures', Math.round((tally.totals.minutes / 60) * 10) / 10],
              ['Personnes QPV', tally.totals.qpvPeople],
            ].map(([label, value]) => (
              <div key={label} className="total">
                <dt>{label}</dt>
                <dd data-testid={`total-${label}`}>{String(value).replace('.', ',')}</dd>
              </div>
            ))}
          </dl>
          <WeekChart weeks={chartWeeks} />
          <div className="breakdowns">
            {tables.slice(1).map((table) => (
              <table key={table.title} className={`breakdown ${table.header.length > 3 ? 'breakdown-wide' : ''}`}>
                <caption>
                  {table.title}
                  {table.header.at(-1)?.startsWith('% des') && <span className="caption-base"> ({table.header.at(-1)!.slice(2)})</span>}
                </caption>
                <thead>
                  <tr>
                    {table.header.map((h) => (
                      <th key={h} scope="col">
                        {h.startsWith('%') ? (
                          <>
                            <span aria-hidden="true">%</span>
                            <span className="sr-only">{h}</span>
                          </>
                        ) : (
                          h
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.rows.length === 0 && (
                    <tr>
                      <td colSpan={table.header.length} className="muted">
                        Aucun
                      </td>
                    </tr>
                  )}
                  {table.rows.map((row, i) => (
                    <tr key={i}>
                      {row.map((cell, j) =>
                        j === 0 ? (
                          <th key={j} scope="row">
                            {cell}
                          </th>
                        ) : (
                          <td key={j}>{typeof cell === 'number' && table.header[j]?.startsWith('%') ? `${String(cell).replace('.', ',')} %` : cell}</td>
                        ),
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
