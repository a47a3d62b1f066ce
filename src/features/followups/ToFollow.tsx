/**
 * « À suivre » on the home screen: the open follow-ups of the open permanence's commune first,
 * then overdue ones elsewhere (standing out in words and with a mark); one tap « Fait ». Hers
 * only. « Nouveau suivi » adds one by hand (in the permanence's commune by default).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './followups.css';
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { followupsToDo } from '../../db/followups';
import { communeName } from '../../domain/reference';
import { useToast } from '../common/toastStore';
import { FollowupForm } from './FollowupForm';
import { FollowupItem } from './FollowupItem';
import { usePeopleNames } from './usePeopleNames';

export function ToFollow({ open, today }: { open: LocalRecord<'permanence'> | null; today: string }) {
  const commune = open?.data.communeInsee ?? null;
  const todo = useLiveQuery(() => followupsToDo(commune, today), [commune, today]);
  const names = usePeopleNames([...(todo?.here ?? []), ...(todo?.overdueElsewhere ?? [])]);
  const [adding, setAdding] = useState(false);
  const showToast = useToast((s) => s.show);
  if (!todo) return null;
  const nameOf = (f: LocalRecord<'followup'>) => (f.data.beneficiaryId ? names?.get(f.data.beneficiaryId) : undefined);

  return (
    <section className="to-follow" aria-labelledby="to-follow-title">
      <h2 id="to-follow-title" className="list-title">
        À suivre
      </h2>
      {commune && (
        <>
          <h3>À {communeName(commune)}</h3>
          {todo.here.length === 0 && <p className="muted">Rien à suivre à {communeName(commune)}.</p>}
          <ul className="followups" aria-label={`À suivre à ${communeName(commune)}`}>
            {todo.here.map((f) => (
              <FollowupItem key={f.id} followup={f} today={today} personName={nameOf(f)} showCommune={false} />
            ))}
          </ul>
        </>
      )}
      {todo.overdueElsewhere.length > 0 && (
        <>
          <h3>{commune ? 'En retard ailleurs' : 'En retard'}</h3>
          <ul className="followups" aria-label="Suivis en retard">
            {todo.overdueElsewhere.map((f) => (
              <FollowupItem key={f.id} followup={f} today={today} personName={nameOf(f)} />
            ))}
          </ul>
        </>
      )}
      {!commune && todo.overdueElsewhere.length === 0 && <p className="muted">Aucun suivi en retard.</p>}
      {adding ? (
        <FollowupForm
          beneficiaryId={null}
          today={today}
          communeInsee={commune}
          relayId={open?.data.relayId ?? null}
          onDone={(saved) => {
            setAdding(false);
            if (saved) showToast({ message: 'Suivi enregistré.' });
          }}
        />
      ) : (
        <button type="button" className="button button-ghost" onClick={() => setAdding(true)}>
          Nouveau suivi
        </button>
      )}
    </section>
  );
}
