/**
 * The follow-ups part of a person's page (its slot: `<PersonFollowups personId={…} />`): her open
 * follow-ups, the earliest due first, each with « Fait », and « Nouveau suivi » by hand.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './followups.css';
import { useState } from 'react';
import { personOpenFollowups } from '../../db/people';
import { useToast } from '../common/toastStore';
import { useNow } from '../common/useNow';
import { FollowupForm } from './FollowupForm';
import { FollowupItem } from './FollowupItem';

export function PersonFollowups({ personId }: { personId: string }) {
  const { today } = useNow();
  const open = useLiveQuery(() => personOpenFollowups(personId), [personId]);
  const [adding, setAdding] = useState(false);
  const showToast = useToast((s) => s.show);

  return (
    <section className="person-followups" aria-labelledby="person-followups-title">
      <h2 id="person-followups-title">À suivre</h2>
      {open && open.length === 0 && <p className="muted">Rien à suivre pour elle.</p>}
      <ul className="followups" aria-label="Ses suivis ouverts">
        {open?.map((f) => (
          <FollowupItem key={f.id} followup={f} today={today} />
        ))}
      </ul>
      {adding ? (
        <FollowupForm
          beneficiaryId={personId}
          today={today}
          communeInsee={null}
          relayId={null}
          onDone={(saved) => {
            setAdding(false);
            if (saved) showToast({ message: 'Suivi enregistré.' });
          }}
        />
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setAdding(true)}>
          Nouveau suivi
        </button>
      )}
    </section>
  );
}
