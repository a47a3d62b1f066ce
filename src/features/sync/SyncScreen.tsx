/**
 * Synchronisation: what waits to be sent, what the server refused and how to fix it, the last
 * success or the error in plain French, and "Synchroniser".
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { syncNow } from '../../platform/syncRuntime';
import { hrefOf } from '../../platform/router';
import { db, isStoredEntity, type LocalRecord, type SyncIssue } from '../../db/database';
import { sinceLabel } from '../../domain/format';
import { abandon, resend, takeServerVersion } from '../../sync/issues';
import { SYNC_ERROR_MESSAGES } from '../../sync/messages';
import { useSync } from '../../sync/syncStore';
import { useToast } from '../common/toastStore';
import { useProcedureLabels, useRelays } from '../common/useReference';
import { describeRecord, ENTITY_LABELS } from './describe';

async function localRecordOf(entity: SyncIssue['entity'], id: string): Promise<LocalRecord | undefined> {
  return isStoredEntity(entity) ? ((await db.tableOf(entity).get(id)) as LocalRecord | undefined) : undefined;
}

function IssueItem({ issue, describe }: { issue: SyncIssue; describe: (r: LocalRecord | undefined) => string }) {
  const local = useLiveQuery(() => localRecordOf(issue.entity, issue.id), [issue.entity, issue.id]);
  const showToast = useToast((s) => s.show);
  const act = (label: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
      showToast({ message: label });
    } catch (error) {
      showToast({ message: (error as Error).message, tone: 'error' });
    }
  };
  return (
    <li className="card issue">
      <p>
        <strong>{ENTITY_LABELS[issue.entity]}</strong> — {describe(local)}
      </p>
      {issue.kind === 'conflict' ? (
        <p>
          {issue.current
            ? `Modifié ailleurs entre-temps (version ${issue.current.version} sur le serveur${issue.current.deleted ? ', supprimé' : ''}). Votre modification n’a rien écrasé.`
            : 'Le serveur ne connaît pas cet enregistrement.'}
        </p>
      ) : (
        <ul className="reasons">
          {issue.fields.map((f) => (
            <li key={f.path}>{f.message}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        {issue.kind === 'rejected' && issue.entity === 'accompaniment' && local && !local.deleted && (
          <a className="button button-primary" href={hrefOf({ name: 'editAccompaniment', id: issue.id })}>
            Corriger
          </a>
        )}
        {issue.kind === 'rejected' && issue.entity === 'mandate' && local && !local.deleted && 'beneficiaryId' in local.data && (
          // A revocation refused for its date: « Abandonner » it, then revoke again from her page.
          <a className="button button-primary" href={hrefOf({ name: 'person', id: String(local.data.beneficiaryId) })}>
            Voir ses mandats
          </a>
        )}
        <button type="button" className="button button-secondary" onClick={act('Modification renvoyée.', () => resend(db, issue))}>
          {issue.kind === 'conflict' ? 'Garder ma version' : 'Renvoyer'}
        </button>
        {issue.kind === 'conflict' ? (
          <button type="button" className="button button-ghost" onClick={act('Version du serveur reprise.', () => takeServerVersion(db, issue))}>
            Prendre la version du serveur
          </button>
        ) : (
          <button type="button" className="button button-ghost" onClick={act('Modification abandonnée.', () => abandon(db, issue))}>
            Abandonner
          </button>
        )}
      </div>
    </li>
  );
}

export default function SyncScreen() {
  const { running, progress, lastSuccessAt, error, enrolled } = useSync();
  const pending = useLiveQuery(() => db.outbox.orderBy('seq').toArray());
  const issues = useLiveQuery(() => db.syncIssues.toArray());
  const pendingRecords = useLiveQuery(async () => Promise.all((pending ?? []).slice(0, 50).map((o) => localRecordOf(o.entity, o.id))), [pending]);
  const procedureLabel = useProcedureLabels();
  const relays = useRelays();
  const describe = (r: LocalRecord | undefined) => describeRecord(r, procedureLabel, (id) => relays?.get(id)?.data.name ?? 'relais');

  return (
    <section className="screen" aria-labelledby="sync-title">
      <h1 id="sync-title" tabIndex={-1}>
        Synchronisation
      </h1>
      <div className="card" role="status">
        {enrolled === false ? (
          <p>
            Cette tablette n’est pas encore inscrite : <a href="#/reglages">inscrivez-la dans Réglages</a> pour envoyer les saisies au serveur.
          </p>
        ) : (
          <>
            {running && (
              <p>Synchronisation en cours{progress?.phase === 'push' && progress.total ? ` : ${progress.sent} sur ${progress.total} envoyés` : '…'}</p>
            )}
            {!running && error && <p className="form-error">{SYNC_ERROR_MESSAGES[error.kind]}</p>}
            <p>{lastSuccessAt ? `Dernière synchronisation réussie ${sinceLabel(lastSuccessAt)}.` : 'Aucune synchronisation réussie pour l’instant.'}</p>
            <button type="button" className="button button-primary" onClick={() => void syncNow()} disabled={running}>
              Synchroniser
            </button>
          </>
        )}
      </div>

      <h2>À corriger ({issues?.length ?? 0})</h2>
      {issues?.length === 0 && <p className="muted">Rien à corriger.</p>}
      <ul className="entries">
        {issues?.map((issue) => (
          <IssueItem key={issue.opId} issue={issue} describe={describe} />
        ))}
      </ul>

      <h2>En attente d’envoi ({pending?.length ?? 0})</h2>
      {pending?.length === 0 && <p className="muted">Tout est envoyé.</p>}
      <ul className="entries">
        {pending?.slice(0, 50).map((o, i) => (
          <li key={o.opId} className="entry entry-static">
            <span className="entry-main">
              <strong>
                {ENTITY_LABELS[o.entity]}
                {o.deleted ? ' (suppression)' : ''}
              </strong>
              <span className="entry-detail">{describe(pendingRecords?.[i])}</span>
            </span>
          </li>
        ))}
      </ul>
      {pending && pending.length > 50 && <p className="muted">… et {pending.length - 50} autres.</p>}
    </section>
  );
}
