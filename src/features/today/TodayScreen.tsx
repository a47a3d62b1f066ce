/**
 * Aujourd'hui: the open permanence (or "Ouvrir une permanence"), the main action "Nouvel
 * accompagnement", « À suivre » (the permanence commune's follow-ups first, overdue ones), today's
 * accompaniments, newest first, and « Mandats à renouveler ».
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { lazy, Suspense } from 'react';
import { hrefOf } from '../../platform/router';
import { accompanimentsOn, findOpenPermanence, lastVisitAt, pendingKeys, refusedKeys } from '../../db/queries';
import { parisTime } from '../../domain/calendar';
import { clockLabel, dayLabel } from '../../domain/format';
import { isForgotten, suggestedEndTime } from '../../domain/permanence';
import { communeName } from '../../domain/reference';
import { AccompanimentSummary } from '../accompaniment/AccompanimentSummary';
import { useNow } from '../common/useNow';
import { useProcedureLabels, useRelays } from '../common/useReference';
// Follow-ups and mandates to renew come a moment after today's list: they are not needed to log.
const ToFollow = lazy(() => import('../followups/ToFollow').then((m) => ({ default: m.ToFollow })));
const MandatesToRenew = lazy(() => import('../mandates/MandatesToRenew').then((m) => ({ default: m.MandatesToRenew })));
import { ClosePermanence } from '../permanence/ClosePermanence';

function usePermanenceEndOfActivity(permanenceId: string | undefined): string | null | undefined {
  return useLiveQuery(async () => {
    const last = permanenceId ? await lastVisitAt(permanenceId) : null;
    return last ? parisTime(new Date(last)) : null;
  }, [permanenceId]);
}

export function TodayScreen() {
  const { today, time } = useNow();
  const open = useLiveQuery(async () => (await findOpenPermanence()) ?? null);
  const entries = useLiveQuery(() => accompanimentsOn(today), [today]);
  const pending = useLiveQuery(pendingKeys);
  const refused = useLiveQuery(refusedKeys);
  const relays = useRelays();
  const procedureLabel = useProcedureLabels();
  const lastActivity = usePermanenceEndOfActivity(open?.id);

  const relay = open ? relays?.get(open.data.relayId) : undefined;
  const forgotten = open ? isForgotten(open.data, today) : false;

  return (
    <section aria-labelledby="today-title" className="screen">
      <h1 id="today-title" tabIndex={-1}>
        Aujourd’hui <span className="subtitle">{dayLabel(today)}</span>
      </h1>

      {open === undefined ? (
        <div className="permanence-slot" aria-hidden="true" />
      ) : open && forgotten ? (
        <div className="card card-warn" role="region" aria-label="Permanence restée ouverte">
          <h2>Permanence restée ouverte</h2>
          <p>
            La permanence du {dayLabel(open.data.date)} à {relay?.data.name ?? communeName(open.data.communeInsee)} (depuis {clockLabel(open.data.startTime)})
            n’a pas été clôturée. Vérifiez l’heure de fin puis clôturez-la.
          </p>
          {lastActivity !== undefined && (
            <ClosePermanence key={open.id} permanence={open} suggested={suggestedEndTime(open.data, today, time, lastActivity)} expanded />
          )}
        </div>
      ) : open ? (
        <div className="card card-permanence" role="region" aria-label="Permanence en cours">
          <p className="card-kicker">Permanence en cours</p>
          <h2>{relay?.data.name ?? 'Relais'}</h2>
          <p>
            {communeName(open.data.communeInsee)} · depuis {clockLabel(open.data.startTime)}
          </p>
          <ClosePermanence key={open.id} permanence={open} suggested={suggestedEndTime(open.data, today, time)} />
        </div>
      ) : (
        <a className="button button-large button-secondary" href={hrefOf({ name: 'openPermanence' })}>
          Ouvrir une permanence
        </a>
      )}

      <a className="button button-large button-primary" href={hrefOf({ name: 'newAccompaniment' })}>
        Nouvel accompagnement
      </a>

      {open !== undefined && (
        <Suspense fallback={null}>
          <ToFollow open={open && !forgotten ? open : null} today={today} />
        </Suspense>
      )}

      <h2 className="list-title">
        {entries?.length ? `${entries.length} accompagnement${entries.length > 1 ? 's' : ''} aujourd’hui` : 'Accompagnements du jour'}
      </h2>
      {entries && entries.length === 0 && <p className="muted empty-today">Aucun accompagnement aujourd’hui.</p>}
      <ul className="entries" aria-label="Accompagnements du jour">
        {entries?.map((r) => (
          <AccompanimentSummary
            key={r.id}
            record={r}
            procedureLabel={procedureLabel}
            pending={pending?.has(`accompaniment:${r.id}`) ?? false}
            refused={refused?.has(`accompaniment:${r.id}`)}
          />
        ))}
      </ul>

      <Suspense fallback={null}>
        <MandatesToRenew today={today} />
      </Suspense>
    </section>
  );
}
