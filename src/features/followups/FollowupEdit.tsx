/**
 * « Modifier » a follow-up typed by hand (what — and for whom —, commune, due date), inline in its
 * list. Like every record form (useEditForm): her typing is kept as a draft and resumed, the save
 * is made on the version the form opened with, and a newer version landing meanwhile is asked
 * about (« Voir la version actuelle » or « Enregistrer ma version », then settled in Synchronisation).
 */
import { useEffect, useRef, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { loadDraft } from '../../db/drafts';
import { editBaseOf, saveRecord } from '../../db/writes';
import { validateFollowup } from '../../domain/validation';
import { COMMUNE_OPTIONS, SelectField } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { useToast } from '../common/toastStore';
import { useEditForm, type EditDraft } from '../common/useEditForm';
import {
  editedFollowupData,
  firstFollowupError,
  followupDraftKey,
  followupErrors,
  followupStateOf,
  type FollowupField,
  type ManualFollowup,
} from './followupModel';

type Start = { initial: EditDraft<ManualFollowup>; restored: boolean };

/** Opens the edit of `followup`: her kept draft if any (with the version it started from), or the stored one. */
export function FollowupEdit({ followup, onDone }: { followup: LocalRecord<'followup'>; onDone: () => void }) {
  const [start, setStart] = useState<Start | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadDraft<EditDraft<ManualFollowup>>(followupDraftKey(followup.id)).then((kept) => {
      if (cancelled) return;
      setStart(
        kept
          ? { initial: { ...kept, base: kept.base ?? editBaseOf(followup) }, restored: true }
          : { initial: { id: followup.id, state: followupStateOf(followup.data), base: editBaseOf(followup) }, restored: false },
      );
    });
    return () => {
      cancelled = true;
    };
    // Opened once: later versions of the follow-up are what the stale-edit question is about.
  }, [followup.id]);
  if (!start) return null;
  return <FollowupEditForm followup={followup} start={start} onDone={onDone} />;
}

function FollowupEditForm({ followup, start, onDone }: { followup: LocalRecord<'followup'>; start: Start; onDone: () => void }) {
  const key = followupDraftKey(followup.id);
  const form = useEditForm<'followup', ManualFollowup, FollowupField>({
    draftKey: key,
    initial: start.initial,
    restored: start.restored,
    record: followup,
    errorsOf: followupErrors,
    firstError: firstFollowupError,
    stateOf: followupStateOf,
  });
  const showToast = useToast((s) => s.show);
  const record = form.record ?? followup;
  const s = form.draft.state;
  const data = editedFollowupData(s, record.data);
  const errors = followupErrors(form.submitted ? validateFollowup(data) : []);
  const idp = `followup-edit-${followup.id}`;
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => question.current?.focus(), [form.stale]);

  const save = async (overwriteStale = false) => {
    const first = await form.save(
      validateFollowup(data),
      () => saveRecord('followup', followup.id, data, { base: form.draft.base, overwriteStale, draftKey: key }),
      () => {
        showToast({ message: 'Suivi modifié.' });
        onDone();
      },
    );
    if (first) requestAnimationFrame(() => document.getElementById(`${idp}-${first}`)?.focus());
  };

  const showCurrent = async () => {
    if (!form.stale) return;
    if (form.stale.deleted) {
      await form.autosave.discard();
      showToast({ message: 'Ce suivi a été supprimé ailleurs.', tone: 'error' });
      return onDone();
    }
    await form.showCurrent(form.stale);
  };

  return (
    <form
      className="card followup-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
      aria-label="Modifier le suivi"
    >
      {form.notice === 'restored' && <p className="hint-muted">Votre saisie précédente a été reprise.</p>}
      {form.notice === 'current' && <p className="hint-muted">Voici la version actuelle du suivi.</p>}
      <TextField
        id={`${idp}-label`}
        label={record.data.beneficiaryId ? 'À faire ou vérifier' : 'À faire ou vérifier, et pour qui (quelques mots)'}
        value={s.label}
        maxLength={200}
        onChange={(label) => form.update({ label })}
        error={errors.label}
      />
      <SelectField
        id={`${idp}-communeInsee`}
        label="Commune"
        value={s.communeInsee}
        options={COMMUNE_OPTIONS}
        empty="Sans commune"
        onChange={(communeInsee) => form.update({ communeInsee })}
      />
      <div className="field field-inline">
        <label htmlFor={`${idp}-dueOn`}>Pour le</label>
        <input id={`${idp}-dueOn`} type="date" value={s.dueOn} onChange={(e) => form.update({ dueOn: e.target.value })} />
        {errors.dueOn && <p className="field-error">{errors.dueOn}</p>}
      </div>
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      {form.stale && (
        <div role="alertdialog" aria-labelledby={`${idp}-stale`} className="confirm confirm-question">
          <p id={`${idp}-stale`} className="confirm-title" tabIndex={-1} ref={question}>
            {form.stale.deleted
              ? 'Ce suivi a été supprimé ailleurs depuis que vous l’avez ouvert.'
              : 'Ce suivi a été modifié ailleurs depuis que vous l’avez ouvert.'}
          </p>
          <p>
            Votre saisie n’est pas encore enregistrée. Voir la version actuelle (votre saisie sera perdue), ou enregistrer la vôtre ? Dans ce cas, les deux
            versions seront à départager dans Synchronisation.
          </p>
          <div className="confirm-actions">
            <button type="button" className="button button-secondary" disabled={form.busy} onClick={() => void showCurrent()}>
              Voir la version actuelle
            </button>
            <button type="button" className="button button-primary" disabled={form.busy} onClick={() => void save(true)}>
              Enregistrer ma version
            </button>
          </div>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={form.busy}>
          Enregistrer le suivi
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            void form.autosave.discard().then(onDone);
          }}
        >
          Annuler
        </button>
      </div>
    </form>
  );
}
