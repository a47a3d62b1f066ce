/**
 * One open follow-up in a list: what, for whom, where, when it is due (an overdue one says so in
 * words and with a mark, not colour alone), and « Fait » to mark it done today.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { markFollowupDone } from '../../db/followups';
import { communeName } from '../../domain/reference';
import { useToast } from '../common/toastStore';
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
  const showToast = useToast((s) => s.show);
  const f = followup.data;
  const due = dueLabel(f.dueOn, today);

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
      </div>
      <button type="button" className="button button-secondary followup-done" disabled={busy} onClick={() => void done()} aria-label={`Fait : ${f.label}`}>
        Fait
      </button>
    </li>
  );
}
