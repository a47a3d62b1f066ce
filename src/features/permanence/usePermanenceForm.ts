/**
 * The permanence edit form's decisions (from Historique): its draft (kept as it is typed, resumed
 * on return), saving on the version it started from (a newer one landing meanwhile is asked about,
 * as for accompaniments), and "Annuler" in the toast, which puts the previous data back through
 * the write path. Her visits keep their permanence and their own commune when the relay changes.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { undoPermanenceEdit, visitCountOf } from '../../db/permanences';
import { activeRelays } from '../../db/queries';
import { StorageError } from '../../db/storageError';
import { editBaseOf, saveRecord, StaleEditError, ValidationError } from '../../db/writes';
import { validatePermanence } from '../../domain/validation';
import { navigate } from '../../platform/router';
import { useToast } from '../common/toastStore';
import { useAutosave } from '../common/useAutosave';
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
  const [draft, setDraft] = useState(initial);
  const [record, setRecord] = useState(startRecord);
  const [dirty, setDirty] = useState(restored);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState<LocalRecord<'permanence'> | null>(null);
  const [notice, setNotice] = useState<'restored' | 'current' | null>(restored ? 'restored' : null);
  const key = permanenceDraftKey(record.id);
  const autosave = useAutosave(key, draft, dirty);
  const showToast = useToast((s) => s.show);
  const relays = useRelays();
  const active = useLiveQuery(activeRelays);
  const visits = useLiveQuery(() => visitCountOf(record.id), [record.id]);
  const data = useMemo(() => permanenceDataOf(draft.state, record.data, relays ?? new Map()), [draft.state, record.data, relays]);
  const errors = permanenceErrors(submitted ? validatePermanence(data) : []);
  // The active relays, and hers even if no longer active (she may keep it).
  const choices = useMemo(() => {
    const own = relays?.get(record.data.relayId);
    const list = active ?? [];
    return own && !list.some((r) => r.id === own.id) ? [...list, own] : list;
  }, [active, relays, record.data.relayId]);

  const update = (patch: Partial<PermanenceState>) => {
    setDraft((d) => ({ ...d, state: { ...d.state, ...patch } }));
    setDirty(true);
    setFormError(null);
  };

  const save = async (overwriteStale = false): Promise<PermanenceField | undefined> => {
    if (busy) return;
    setSubmitted(true);
    const problems = permanenceErrors(validatePermanence(data));
    if (Object.keys(problems).length > 0) return firstPermanenceError(problems);
    setBusy(true);
    autosave.pause(); // the save clears the draft: no late write may bring it back
    try {
      const previous = record;
      const saved = await saveRecord('permanence', record.id, data, { base: draft.base, overwriteStale, draftKey: key });
      setDirty(false);
      setStale(null);
      showToast({ message: 'Permanence modifiée.', action: { label: 'Annuler', run: () => undo(previous, saved) } });
      navigate({ name: 'history' });
    } catch (err) {
      if (err instanceof StaleEditError) setStale(err.current as LocalRecord<'permanence'>);
      else if (err instanceof ValidationError) return firstPermanenceError(permanenceErrors(err.fields));
      else setFormError(err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Votre saisie est gardée : réessayez.');
    } finally {
      setBusy(false);
    }
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
    busy,
    formError,
    stale,
    notice,
    update,
    submit: () => save(),
    saveMine: () => save(true),
    /** Shows the stored version instead of what she typed (she was told it is lost). */
    showCurrent: async () => {
      if (!stale) return;
      await autosave.discard();
      if (stale.deleted) {
        showToast({ message: 'Cette permanence a été supprimée ailleurs.', tone: 'error' });
        return navigate({ name: 'history' });
      }
      setRecord(stale);
      setDraft({ id: stale.id, state: permanenceStateOf(stale.data), base: editBaseOf(stale) });
      setDirty(false);
      setStale(null);
      setSubmitted(false);
      setNotice('current');
    },
    /** "Retour": leaves without saving (the draft is dropped). */
    cancel: async () => {
      await autosave.discard();
      navigate({ name: 'history' });
    },
  };
}

export type PermanenceFormModel = ReturnType<typeof usePermanenceForm>;
