/**
 * Closing a permanence: the end time is prefilled (now, or for one forgotten overnight a sensible
 * time on its own day) and can be corrected before confirming. Closing is an edit of the version
 * shown when the form opened: changed elsewhere meanwhile, nothing is written and she is told.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import type { EditBase } from '../../db/writes';
import { isValidTime, minutesOfDay } from '../../domain/calendar';
import { clockLabel } from '../../domain/format';
import { useToast } from '../common/toastStore';

interface Props {
  permanence: LocalRecord<'permanence'>;
  suggested: string;
  /** Shown at once (forgotten permanence) rather than behind a first tap. */
  expanded?: boolean;
}

export function ClosePermanence({ permanence, suggested, expanded = false }: Props) {
  const [open, setOpen] = useState(expanded);
  const [endTime, setEndTime] = useState(suggested);
  const [error, setError] = useState<string | null>(null);
  // What the form was opened on (writes.ts's editBaseOf, inlined: the write path loads on demand).
  const [base, setBase] = useState<EditBase>(() => ({ version: permanence.version, rev: permanence.rev ?? 0 }));
  const showToast = useToast((s) => s.show);

  if (!open) {
    return (
      <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
        Clôturer la permanence
      </button>
    );
  }

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!isValidTime(endTime)) return setError('Indiquez l’heure de fin (HH:MM).');
    if (minutesOfDay(endTime) < minutesOfDay(permanence.data.startTime)) {
      return setError(`L’heure de fin doit suivre le début (${clockLabel(permanence.data.startTime)}).`);
    }
    try {
      // The write path loads on demand: today's screen paints without it.
      const [{ closePermanence }, { StaleEditError }] = await Promise.all([import('../../db/permanences'), import('../../db/writes')]);
      try {
        await closePermanence(permanence, endTime, { base });
        showToast({ message: `Permanence clôturée à ${clockLabel(endTime)}.` });
      } catch (err) {
        if (!(err instanceof StaleEditError)) throw err;
        setBase({ version: err.current.version, rev: err.current.rev ?? 0 });
        setError('Cette permanence a été modifiée ailleurs depuis que vous l’avez affichée. Vérifiez l’heure de fin, puis clôturez-la à nouveau.');
      }
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={`end-${permanence.id}`}>Heure de fin</label>
        <input
          id={`end-${permanence.id}`}
          type="time"
          value={endTime}
          onChange={(e) => setEndTime(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `end-${permanence.id}-error` : undefined}
        />
        {error && (
          <p className="field-error" id={`end-${permanence.id}-error`}>
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="button button-primary">
        Clôturer la permanence
      </button>
      {!expanded && (
        <button type="button" className="button button-ghost" onClick={() => setOpen(false)}>
          Retour
        </button>
      )}
    </form>
  );
}
