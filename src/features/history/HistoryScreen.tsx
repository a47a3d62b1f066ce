/**
 * Historique: permanences and accompaniments week by week (ISO weeks, Monday first), searchable
 * across all weeks (followed people too, by name: their visits). Entries not yet synced are marked; on a coordinator's tablet, which holds
 * everyone's, other people's entries say whose they are. Her own permanences can be modified
 * (`#/permanences/<id>`) or deleted.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { useScreenState } from '../common/useScreenState';
import type { LocalRecord } from '../../db/database';
import { ownerName } from '../../db/owner';
import { accompanimentsBetween, allAccompanimentsOpened, permanencesBetween } from '../../db/listQueries';
import { pendingKeys, refusedKeys } from '../../db/queries';
import { addDays, isoWeekOf, parisDate, weekPeriod, type IsoWeek } from '../../domain/dates';
import { clockLabel, dayLabel, weekLabel } from '../../domain/format';
import { communeName, OUTCOME_LABELS, PLACE_TYPE_LABELS, POSTURE_LABELS } from '../../domain/reference';
import { isOwnRecord } from '../../domain/ownership';
import { normalizeForSearch } from '../../domain/usage';
import { hrefOf } from '../../platform/router';
import { AccompanimentSummary } from '../accompaniment/AccompanimentSummary';
import { useProcedureLabels, useRelays } from '../common/useReference';
import { HistoryPeople } from './HistoryPeople';
import { PermanenceDelete } from './PermanenceDelete';

const MAX_RESULTS = 200;

function shiftWeek(w: IsoWeek, by: number): IsoWeek {
  return isoWeekOf(addDays(weekPeriod(w).from, by * 7));
}

function groupByDay(rows: LocalRecord<'accompaniment'>[]): [string, LocalRecord<'accompaniment'>[]][] {
  const days = new Map<string, LocalRecord<'accompaniment'>[]>();
  for (const r of rows) days.set(r.data.date, [...(days.get(r.data.date) ?? []), r]);
  return [...days.entries()];
}

export default function HistoryScreen() {
  const today = parisDate(new Date());
  const [week, setWeek] = useScreenState<IsoWeek>('history.week', () => isoWeekOf(today));
  const [query, setQuery] = useScreenState('history.query', () => '', { personal: true });
  const period = weekPeriod(week);
  const procedureLabel = useProcedureLabels();
  const relays = useRelays();
  const pending = useLiveQuery(() => pendingKeys());
  const refused = useLiveQuery(() => refusedKeys());
  const owner = useLiveQuery(() => ownerName());
  /** The creator's name when the entry is not the tablet user's. */
  const authorOf = (r: { createdBy?: string }) => (owner !== undefined && !isOwnRecord(r, owner) ? r.createdBy : null);
  const searching = query.trim().length > 0;
  const [people, setPeople] = useState<ReadonlySet<string>>(new Set());

  const weekRows = useLiveQuery(() => accompanimentsBetween(period.from, period.to), [period.from, period.to]);
  const permanences = useLiveQuery(() => permanencesBetween(period.from, period.to), [period.from, period.to]);
  // The search looks in the notes: every visit opened (the week's list needs none: as stored).
  const all = useLiveQuery(async () => (searching ? allAccompanimentsOpened() : []), [searching]);

  const results = useMemo(() => {
    if (!searching || !all) return [];
    const words = normalizeForSearch(query).split(' ');
    return all
      .filter((r) => {
        const a = r.data;
        const hay = normalizeForSearch(
          [
            ...a.procedures.map((p) => procedureLabel(p.code)),
            communeName(a.communeInsee),
            PLACE_TYPE_LABELS[a.placeType],
            POSTURE_LABELS[a.posture],
            OUTCOME_LABELS[a.outcome],
            a.note ?? '',
          ].join(' '),
        );
        return words.every((w) => hay.includes(w)) || (a.beneficiaryId !== null && people.has(a.beneficiaryId));
      })
      .slice(0, MAX_RESULTS);
  }, [searching, all, query, procedureLabel, people]);

  const shown = searching ? results : (weekRows ?? []);
  const isPending = (entity: string, id: string) => pending?.has(`${entity}:${id}`) ?? false;
  const currentYear = Number(today.slice(0, 4));

  return (
    <section className="screen" aria-labelledby="history-title">
      <h1 id="history-title" tabIndex={-1}>
        Historique
      </h1>
      <div className="field field-search">
        <label htmlFor="history-search">Rechercher dans tout l’historique</label>
        <input id="history-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="démarche, commune, note, personne…" />
      </div>
      {searching && <HistoryPeople query={query} onFound={setPeople} />}

      {!searching && (
        <div className="week-nav">
          <button type="button" className="button button-secondary" onClick={() => setWeek((w) => shiftWeek(w, -1))} aria-label="Semaine précédente">
            ‹
          </button>
          <h2 aria-live="polite">{weekLabel(week)}</h2>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => setWeek((w) => shiftWeek(w, 1))}
            disabled={period.to >= today}
            aria-label="Semaine suivante"
          >
            ›
          </button>
        </div>
      )}

      {!searching && permanences && permanences.length > 0 && (
        <>
          <h3>Permanences</h3>
          <ul className="entries">
            {permanences.map((p) => (
              <li key={p.id} className="entry entry-static">
                <span className="entry-main">
                  <strong>{relays?.get(p.data.relayId)?.data.name ?? communeName(p.data.communeInsee)}</strong>
                  <span className="entry-detail">
                    {dayLabel(p.data.date, currentYear)} · {clockLabel(p.data.startTime)}
                    {p.data.endTime ? ` – ${clockLabel(p.data.endTime)}` : ' · en cours'}
                    {authorOf(p) && ` · ${authorOf(p)}`}
                  </span>
                </span>
                {refused?.has(`permanence:${p.id}`) ? (
                  <a className="badge badge-error badge-small" href="#/synchronisation">
                    À corriger
                  </a>
                ) : (
                  isPending('permanence', p.id) && <span className="badge badge-pending badge-small">À synchroniser</span>
                )}
                {!authorOf(p) && (
                  <a className="button button-secondary button-small" href={hrefOf({ name: 'editPermanence', id: p.id })}>
                    Modifier
                  </a>
                )}
                {!authorOf(p) && <PermanenceDelete permanence={p} />}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>
        {searching
          ? `${results.length}${results.length === MAX_RESULTS ? '+' : ''} résultat${results.length > 1 ? 's' : ''}`
          : `Accompagnements (${shown.length})`}
      </h3>
      {shown.length === 0 && <p className="muted">{searching ? 'Aucun accompagnement ne correspond.' : 'Aucun accompagnement cette semaine.'}</p>}
      {groupByDay(shown).map(([date, rows]) => (
        <div key={date}>
          <h4 className="day-title">{dayLabel(date, currentYear)}</h4>
          <ul className="entries" aria-label={dayLabel(date, currentYear)}>
            {rows.map((r) => (
              <AccompanimentSummary
                key={r.id}
                record={r}
                procedureLabel={procedureLabel}
                pending={isPending('accompaniment', r.id)}
                refused={refused?.has(`accompaniment:${r.id}`)}
                author={authorOf(r)}
              />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
