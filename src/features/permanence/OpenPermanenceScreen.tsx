/**
 * Ouvrir une permanence: large tiles of the relays (the usual ones for today's weekday first),
 * date and start time prefilled, "Ouvrir".
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { hrefOf, navigate } from '../../platform/router';
import { openPermanence, PermanenceAlreadyOpenError } from '../../db/permanences';
import { activeRelays, recentPermanences } from '../../db/listQueries';
import { findOpenPermanence } from '../../db/queries';
import { isValidDate, isValidTime } from '../../domain/dates';
import { orderRelaysFor } from '../../domain/permanence';
import { communeName } from '../../domain/reference';
import { TextField } from '../common/TextField';
import { useToast } from '../common/toastStore';
import { useNow } from '../common/useNow';

export function OpenPermanenceScreen() {
  const { today, time } = useNow();
  const relays = useLiveQuery(activeRelays);
  const past = useLiveQuery(() => recentPermanences());
  const alreadyOpen = useLiveQuery(async () => (await findOpenPermanence()) ?? null);
  const [relayId, setRelayId] = useState<string | null>(null);
  const [date, setDate] = useState(today);
  const [startTime, setStartTime] = useState(time);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const showToast = useToast((s) => s.show);

  const ordered = useMemo(
    () =>
      relays
        ? orderRelaysFor(
            date,
            relays,
            past?.map((p) => p.data),
          )
        : [],
    [relays, past, date],
  );

  if (alreadyOpen) {
    return (
      <section className="screen" aria-labelledby="open-title">
        <h1 id="open-title" tabIndex={-1}>
          Ouvrir une permanence
        </h1>
        <p className="card card-warn">Une permanence est déjà ouverte. Clôturez-la depuis l’accueil avant d’en ouvrir une autre.</p>
        <a className="button button-secondary" href={hrefOf({ name: 'today' })}>
          Retour à l’accueil
        </a>
      </section>
    );
  }

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (!relayId) next.relay = 'Choisissez le relais.';
    if (!isValidDate(date)) next.date = 'Date invalide.';
    if (!isValidTime(startTime)) next.startTime = 'Heure invalide (HH:MM).';
    setErrors(next);
    const relay = relays?.find((r) => r.id === relayId);
    if (Object.keys(next).length > 0 || !relay) {
      document.getElementById(next.relay ? 'relay-tiles' : next.date ? 'perm-date' : 'perm-time')?.focus();
      return;
    }
    try {
      await openPermanence(relay, date, startTime);
      showToast({ message: `Permanence ouverte : ${relay.data.name}.` });
      navigate({ name: 'today' });
    } catch (err) {
      setErrors({ form: err instanceof PermanenceAlreadyOpenError ? err.message : (err as Error).message });
    }
  };

  return (
    <section className="screen" aria-labelledby="open-title">
      <h1 id="open-title" tabIndex={-1}>
        Ouvrir une permanence
      </h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="group">
          <legend>Relais</legend>
          <div className="tiles" id="relay-tiles" tabIndex={-1} aria-describedby={errors.relay ? 'relay-error' : undefined}>
            {ordered.map((r) => (
              <label key={r.id} className="tile">
                <input type="radio" name="relay" value={r.id} checked={relayId === r.id} onChange={() => setRelayId(r.id)} />
                <span className="tile-title">{r.data.name}</span>
                <span className="tile-detail">
                  {communeName(r.data.communeInsee)}
                  {r.data.schedule ? ` · ${r.data.schedule}` : ''}
                </span>
              </label>
            ))}
          </div>
          {errors.relay && (
            <p className="field-error" id="relay-error">
              {errors.relay}
            </p>
          )}
        </fieldset>
        <div className="row">
          <TextField id="perm-date" type="date" label="Date" value={date} max={today} onChange={setDate} error={errors.date} />
          <TextField id="perm-time" type="time" label="Heure de début" value={startTime} onChange={setStartTime} error={errors.startTime} />
        </div>
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary button-large">
            Ouvrir
          </button>
          <a className="button button-ghost" href={hrefOf({ name: 'today' })}>
            Retour
          </a>
        </div>
      </form>
    </section>
  );
}
