/**
 * The status line: changes waiting for the server ("3 en attente"), whether storage is protected,
 * and "Mettre à jour" when a new version is ready (never offered on a form screen).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useDevice } from '../../app/deviceStore';
import { pendingCount } from '../../db/queries';

export function pendingLabel(n: number): string {
  if (n === 0) return 'Tout est enregistré';
  return `${n} en attente`;
}

export function StatusLine({ allowUpdate }: { allowUpdate: boolean }) {
  const pending = useLiveQuery(pendingCount);
  const persistence = useDevice((s) => s.persistence);
  const updateReady = useDevice((s) => s.updateReady);
  const applyUpdate = useDevice((s) => s.applyUpdate);

  return (
    <div className="status-line">
      {pending !== undefined && (
        <span
          className={`badge ${pending > 0 ? 'badge-pending' : 'badge-ok'}`}
          aria-label={pending > 0 ? `${pending} modification${pending > 1 ? 's' : ''} en attente de synchronisation` : 'Aucune modification en attente'}
          data-testid="pending-badge"
        >
          {pendingLabel(pending)}
        </span>
      )}
      {persistence === 'denied' && (
        <a className="badge badge-warn" href="#/reglages">
          Stockage non protégé
        </a>
      )}
      {persistence === 'granted' && <span className="badge badge-quiet">Stockage protégé</span>}
      {updateReady &&
        (allowUpdate ? (
          <button type="button" className="button button-small" onClick={() => void applyUpdate()}>
            Mettre à jour
          </button>
        ) : (
          <span className="badge badge-quiet">Mise à jour prête</span>
        ))}
    </div>
  );
}
