/**
 * "Supprimer" a permanence from Historique, with a confirmation and "Annuler" (undo) in the toast,
 * like visits. A permanence that still holds visits is not deleted (they would lose their place):
 * she is told to move or delete them first.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { visitCountOf } from '../../db/permanences';
import { deleteRecord, restoreRecord } from '../../db/writes';
import { useToast } from '../common/toastStore';

export function PermanenceDelete({ permanence }: { permanence: LocalRecord<'permanence'> }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const showToast = useToast((s) => s.show);
  const visits = useLiveQuery(() => visitCountOf(permanence.id), [permanence.id]);

  const remove = async () => {
    setAsking(false);
    try {
      await deleteRecord('permanence', permanence.id);
      showToast({
        message: 'Permanence supprimée.',
        action: { label: 'Annuler', run: () => restoreRecord('permanence', permanence.id).then(() => showToast({ message: 'Permanence rétablie.' })) },
      });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (asking)
    return (
      <div role="alertdialog" aria-labelledby={`del-${permanence.id}`} className="confirm confirm-inline">
        {visits ? (
          <>
            <p id={`del-${permanence.id}`}>
              Cette permanence compte {visits} accompagnement{visits > 1 ? 's' : ''} : supprimez-les ou rattachez-les ailleurs d’abord.
            </p>
            <button type="button" className="button button-ghost" onClick={() => setAsking(false)}>
              Compris
            </button>
          </>
        ) : (
          <>
            <p id={`del-${permanence.id}`}>Supprimer cette permanence ?</p>
            <button type="button" className="button button-danger" onClick={() => void remove()}>
              Oui, supprimer
            </button>
            <button type="button" className="button button-ghost" onClick={() => setAsking(false)}>
              Non, garder
            </button>
          </>
        )}
      </div>
    );
  return (
    <>
      <button type="button" className="button button-danger-outline button-small" onClick={() => setAsking(true)}>
        Supprimer
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
