/**
 * The status line: sync state ("Synchroniser", "3 en attente", "Synchronisé il y a 2 min", or a
 * plain error), changes to fix, whether storage is protected, and "Mettre à jour" when a new
 * version is ready (never offered on a form screen).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useDevice } from '../../platform/deviceStore';
import { syncNow } from '../../platform/syncRuntime';
import { db } from '../../db/database';
import { pendingCount } from '../../db/queries';
import { sinceLabel } from '../../domain/format';
import { SYNC_ERROR_SHORT } from '../../sync/shortMessages';
import { useSync } from '../../sync/syncStore';
import { useNow } from '../common/useNow';

export function pendingLabel(n: number): string {
  return n === 0 ? 'Tout est envoyé' : `${n} en attente`;
}

function SyncState() {
  useNow(); // refreshes "il y a N min"
  const { running, progress, lastSuccessAt, error, enrolled } = useSync();
  if (enrolled === false) {
    return (
      <a className="badge badge-warn" href="#/reglages">
        Tablette non inscrite
      </a>
    );
  }
  if (running) {
    const detail =
      progress?.phase === 'push' && progress.total > 0
        ? ` ${progress.sent}/${progress.total}`
        : progress?.phase === 'pull' && progress.pulled > 0
          ? ` (${progress.pulled} reçus)`
          : '';
    return <span className="badge badge-quiet">Synchronisation…{detail}</span>;
  }
  if (error) {
    return (
      <a className="badge badge-warn" href="#/synchronisation">
        {SYNC_ERROR_SHORT[error.kind]}
      </a>
    );
  }
  return lastSuccessAt ? <span className="badge badge-quiet">Synchronisé {sinceLabel(lastSuccessAt)}</span> : null;
}

export function StatusLine({ allowUpdate }: { allowUpdate: boolean }) {
  const pending = useLiveQuery(pendingCount);
  const issues = useLiveQuery(() => db.syncIssues.count());
  const persistence = useDevice((s) => s.persistence);
  const updateReady = useDevice((s) => s.updateReady);
  const applyUpdate = useDevice((s) => s.applyUpdate);
  const running = useSync((s) => s.running);
  const reloadNeeded = useDevice((s) => s.reloadNeeded);
  const enrolled = useSync((s) => s.enrolled);

  return (
    <div className="status-line">
      {reloadNeeded && (
        <p className="reload-needed" role="alert">
          Une nouvelle version de Relais est ouverte dans un autre onglet. Ce qui est enregistré est gardé.{' '}
          <button type="button" className="button button-small button-secondary" onClick={() => window.location.reload()}>
            Recharger
          </button>
        </p>
      )}
      {pending !== undefined && (
        <a className={`badge ${pending > 0 ? 'badge-pending' : 'badge-ok'}`} href="#/synchronisation" data-testid="pending-badge">
          {pendingLabel(pending)}
        </a>
      )}
      {!!issues && (
        <a className="badge badge-error" href="#/synchronisation">
          {issues} à corriger
        </a>
      )}
      <SyncState />
      {enrolled && (
        <button type="button" className="button button-secondary button-small" onClick={() => void syncNow()} disabled={running}>
          Synchroniser
        </button>
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
