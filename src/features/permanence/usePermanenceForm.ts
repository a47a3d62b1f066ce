/**
 * The permanence edit form's decisions (from Historique): its draft (kept as it is typed, resumed
 * on return), saving on the version it started from (a newer one landing meanwhile is asked about,
 * as for accompaniments), and "Annuler" in the toast, which puts the previous data back through
 * the write path. Her visits keep their permanence and their own commune when the relay changes.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import type { LocalRecord } from '../../db/database';
import { undoPermanenceEdit, visitCountOf } from '../../db/permanences';
import { activeRelays } from '../../db/listQueries';
import { saveRecord, StaleEditError } from '../../db/writes';
import { validatePermanence } from '../../domain/validation';
import { navigate } from '../../platform/router';
import { useToast } from '../common/toastStore';
import { useEditForm } from '../common/useEditForm';
import { useRelays } from '../common/useReference';
import {
  firstPermanenceError,
  permanenceDataOf,
  permanenceDraftKey,
  permanenceErrors,
  permanenceStateOf,
  type PermanenceDraft,
  type PermanenceField,
  type PermanenceState,
} from './permanenceModel';

export interface PermanenceFormStart {
  initial: PermanenceDraft;
  restored: boolean;
  record: LocalRecord<'permanence'>;
}

export function usePermanenceForm({ initial, restored, record: startRecord }: PermanenceFormStart) {
  const key = permanenceDraftKey(startRecord.id);
  const form = useEditForm<'permanence', PermanenceState, PermanenceField>({
    draftKey: key,
    initial,
    restored,
    record: startRecord,
    errorsOf: permanenceErrors,
    firstError: firstPermanenceError,
    stateOf: permanenceStateOf,
  });
  const { draft, stale, autosave } = form;
  const record = form.record ?? startRecord;
  const showToast = useToast((s) => s.show);
  const relays = useRelays();
  const active = useLiveQuery(activeRelays);
  const visits = useLiveQuery(() => visitCountOf(record.id), [record.id]);
  const data = useMemo(() => permanenceDataOf(draft.state, record.data, relays ?? new Map()), [draft.state, record.data, relays]);
  const errors = permanenceErrors(form.submitted ? validatePermanence(data) : []);
  // The active relays, and hers even if no longer active (she may keep it).
  const choices = useMemo(() => {
    const own = relays?.get(record.data.relayId);
    const list = active ?? [];
    return own && !list.some((r) => r.id === own.id) ? [...list, own] : list;
  }, [active, relays, record.data.relayId]);

  const save = (overwriteStale = false) => {
    const previous = record;
    return form.save(
      validatePermanence(data),
      () => saveRecord('permanence', record.id, data, { base: draft.base, overwriteStale, draftKey: key }),
      (saved: LocalRecord<'permanence'>) => {
        showToast({ message: 'Permanence modifiée.', action: { label: 'Annuler', run: () => undo(previous, saved) } });
        navigate({ name: 'history' });
      },
    );
  };

  const undo = async (previous: LocalRecord<'permanence'>, saved: LocalRecord<'permanence'>) => {
    try {
      await undoPermanenceEdit(previous, saved);
      showToast({ message: 'Modification annulée.' });
    } catch (err) {
      const message =
        err instanceof StaleEditError
          ? 'Impossible d’annuler : cette permanence a été modifiée entre-temps. Ouvrez-la pour vérifier.'
          : `L’annulation a échoué : ${(err as Error).message}`;
      showToast({ message, tone: 'error' });
    }
  };

  return {
    state: draft.state,
    status: record.data.status,
    relays: choices,
    /** The relay changed and the permanence holds visits: they keep their own commune. */
    visitsKeepCommune: draft.state.relayId !== record.data.relayId && (visits ?? 0) > 0 ? (visits ?? 0) : 0,
    errors,
    busy: form.busy,
    formError: form.formError,
    stale,
    notice: form.notice,
    update: form.update,
    submit: () => save(),
    saveMine: () => save(true),
    /** Shows the stored version instead of what she typed (she was told it is lost). */
    showCurrent: async () => {
      if (!stale) return;
      if (stale.deleted) {
        await autosave.discard();
        showToast({ message: 'Cette permanence a été supprimée ailleurs.', tone: 'error' });
        return navigate({ name: 'history' });
      }
      await form.showCurrent(stale);
    },
    /** "Retour": leaves without saving (the draft is dropped). */
    cancel: async () => {
      await autosave.discard();
      navigate({ name: 'history' });
    },
  };
}

export type PermanenceFormModel = ReturnType<typeof usePermanenceForm>;
