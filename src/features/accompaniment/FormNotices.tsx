/**
 * What the accompaniment form says about its content (resumed, brought back by undo, the current
 * version) and the questions it asks before going on: the record changed elsewhere, discarding
 * her changes, deleting. A question takes the focus, so keyboard and screen-reader users land on it.
 */
import { useEffect, useRef } from 'react';
import type { AccompanimentFormModel, Notice } from './useAccompanimentForm';

const NOTICE_TEXT: Record<Exclude<Notice, null>, string> = {
  restored: 'Saisie reprise là où vous l’aviez laissée.',
  undone: 'Enregistrement annulé : l’accompagnement est revenu dans le formulaire. Corrigez-le si besoin, puis enregistrez.',
  undoneSetAside:
    'Enregistrement annulé : l’accompagnement est revenu dans le formulaire. Ce que vous aviez commencé pour la personne suivante est mis de côté : il reviendra après cet enregistrement.',
  setAsideBack: 'Voici la saisie que vous aviez commencée pour la personne suivante.',
  current: 'Voici la version actuelle de cet accompagnement.',
};

export function FormNotice({ form }: { form: AccompanimentFormModel }) {
  if (!form.notice) return null;
  const resumed = form.notice === 'restored';
  return (
    <div className="notice" role="status">
      <span>{NOTICE_TEXT[form.notice]}</span>
      {resumed && !form.editing && (
        <button type="button" className="button button-ghost button-small" onClick={() => void form.clearForm()}>
          Effacer le formulaire
        </button>
      )}
      {resumed && form.editing && (
        <button type="button" className="button button-ghost button-small" onClick={form.askDiscard}>
          Abandonner mes modifications
        </button>
      )}
    </div>
  );
}

interface Question {
  id: string;
  title: string;
  text?: string;
  actions: { label: string; run: () => unknown; tone: 'primary' | 'secondary' | 'danger' | 'ghost' }[];
}

function questionOf(form: AccompanimentFormModel): Question | null {
  const d = form.dialog;
  if (!d || d.kind === 'confirmDelete') return null;
  if (d.kind === 'stale') {
    const deleted = d.current.deleted;
    return {
      id: 'stale',
      title: deleted
        ? 'Cet accompagnement a été supprimé ailleurs depuis que vous l’avez ouvert.'
        : 'Cet accompagnement a été modifié ailleurs depuis que vous l’avez ouvert.',
      text: 'Votre saisie n’est pas encore enregistrée. Voulez-vous voir la version actuelle, ou enregistrer la vôtre ? Dans ce cas, les deux versions seront à départager dans Synchronisation.',
      actions: [
        { label: 'Voir la version actuelle', run: form.askShowCurrent, tone: 'secondary' },
        { label: 'Enregistrer ma version', run: () => void form.saveMine(), tone: 'primary' },
      ],
    };
  }
  const discard = d.kind === 'confirmDiscard';
  return {
    id: d.kind,
    title: discard ? 'Abandonner vos modifications ?' : 'Remplacer votre saisie par la version actuelle ?',
    text: 'Ce que vous avez saisi dans ce formulaire sera perdu.',
    actions: [
      {
        label: discard ? 'Oui, abandonner mes modifications' : 'Oui, voir la version actuelle',
        run: () => void (discard ? form.confirmDiscard() : form.confirmShowCurrent()),
        tone: 'danger',
      },
      { label: 'Non, garder ma saisie', run: form.closeDialog, tone: 'ghost' },
    ],
  };
}

export function FormQuestion({ form }: { form: AccompanimentFormModel }) {
  const question = questionOf(form);
  const title = useRef<HTMLParagraphElement>(null);
  useEffect(() => title.current?.focus(), [question?.id]);
  if (!question) return null;
  return (
    <div
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={`q-${question.id}-title`}
      aria-describedby={`q-${question.id}-text`}
      className="confirm confirm-question"
    >
      <p id={`q-${question.id}-title`} className="confirm-title" tabIndex={-1} ref={title}>
        {question.title}
      </p>
      {question.text && <p id={`q-${question.id}-text`}>{question.text}</p>}
      <div className="confirm-actions">
        {question.actions.map((a) => (
          <button key={a.label} type="button" className={`button button-${a.tone} button-large`} disabled={form.busy} onClick={() => a.run()}>
            {a.label}
          </button>
        ))}
      </div>
    </div>
  );
}
