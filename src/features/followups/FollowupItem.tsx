/**
 * One open follow-up in a list: what, for whom, where, when it is due (an overdue one says so in
 * words and with a mark, not colour alone), and « Fait » to mark it done today. One typed by hand
 * can also be changed (« Modifier ») and deleted (« Supprimer », asked first, « Annuler » in the
 * toast), both on the version shown: a newer one landing meanwhile is never silently overwritten.
 * A follow-up proposed by a visit (« Doit revenir ») is changed from that visit.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { markFollowupDone } from '../../db/followups';
import { deleteRecord, editBaseOf, restoreRecord, StaleEditError } from '../../db/writes';
import { communeName } from '../../domain/reference';
import { useToast } from '../common/toastStore';
import { FollowupEdit } from './FollowupEdit';
import { dueLabel } from './followupModel';

interface Props {
  followup: LocalRecord<'followup'>;
  today: string;
  /** The person's name, when the list is not already hers. */
  personName?: string;
  showCommune?: boolean;
}

export function FollowupItem({ followup, today, personName, showCommune = true }: Props) {
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'show' | 'edit' | 'delete'>('show');
  const showToast = useToast((s) => s.show);
  const f = followup.data;
  const due = dueLabel(f.dueOn, today);
  const byHand = f.accompanimentId === null;

  const done = async () => {
    setBusy(true);
    try {
      await markFollowupDone(followup.id, today);
      showToast({ message: 'Suivi marqué fait.' });
    } catch {
      showToast({ message: 'Le suivi n’a pas pu être marqué fait. Réessayez.', tone: 'error' });
      setBusy(false);
    }
  };

  const remove = async () => {
    setMode('show');
    setBusy(true);
    try {
      // On the version shown: changed elsewhere meanwhile, she looks at it again first.
      await deleteRecord('followup', followup.id, { base: editBaseOf(followup) });
      showToast({
        message: 'Suivi supprimé.',
        action: {
          label: 'Annuler',
          run: () =>
            restoreRecord('followup', followup.id).then(
              () => showToast({ message: 'Suivi rétabli.' }),
              () => showToast({ message: 'Le suivi n’a pas pu être rétabli.', tone: 'error' }),
            ),
        },
      });
    } catch (err) {
      showToast({
        message:
          err instanceof StaleEditError
            ? 'Ce suivi vient d’être modifié ailleurs : vérifiez-le avant de le supprimer.'
            : 'Le suivi n’a pas pu être supprimé. Réessayez.',
        tone: 'error',
      });
      setBusy(false);
    }
  };

  if (mode === 'edit')
    return (
      <li className="followup followup-editing">
        <FollowupEdit followup={followup} onDone={() => setMode('show')} />
      </li>
    );

  return (
    <li className={`followup ${due.overdue ? 'followup-overdue' : ''}`}>
      <div className="followup-text">
        <p className="followup-label">
          {personName && <strong>{personName} — </strong>}
          {f.label}
        </p>
        <p className="followup-due">
          {due.overdue && <span aria-hidden="true">⚠ </span>}
          {due.text}
          {showCommune && f.communeInsee ? ` · ${communeName(f.communeInsee)}` : ''}
        </p>
        {mode === 'delete' && (
          <div role="alertdialog" aria-labelledby={`del-${followup.id}`} className="confirm confirm-inline">
            <p id={`del-${followup.id}`}>Supprimer ce suivi ?</p>
            <button type="button" className="button button-danger" onClick={() => void remove()}>
              Oui, supprimer
            </button>
            <button type="button" className="button button-ghost" onClick={() => setMode('show')}>
              Non, garder
            </button>
          </div>
        )}
        {byHand && mode === 'show' && (
          <p className="followup-actions">
            <button
              type="button"
              className="button button-ghost button-small"
              disabled={busy}
              onClick={() => setMode('edit')}
              aria-label={`Modifier : ${f.label}`}
            >
              Modifier
            </button>
            <button
              type="button"
              className="button button-danger-outline button-small"
              disabled={busy}
              onClick={() => setMode('delete')}
              aria-label={`Supprimer : ${f.label}`}
            >
              Supprimer
            </button>
          </p>
        )}
      </div>
      <button type="button" className="button button-secondary followup-done" disabled={busy} onClick={() => void done()} aria-label={`Fait : ${f.label}`}>
        Fait
      </button>
    </li>
  );
}
