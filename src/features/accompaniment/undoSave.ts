/**
 * "Annuler" in the confirmation after a save. The toast outlives the form that saved, so these
 * work from what the save returned, whatever is on screen when she taps.
 */
import type { LocalRecord } from '../../db/database';
import { undoEdit, undoNewEntry } from '../../db/accompanimentSession';
import { StaleEditError } from '../../db/writes';
import { navigate } from '../../platform/router';
import type { useToast } from '../common/toastStore';
import { openFormOf } from './openForms';
import type { FormState } from './formModel';

type Show = ReturnType<typeof useToast.getState>['show'];

/**
 * A new entry: the record is deleted and the entry goes back into the new-entry form, on screen
 * (the form in place reloads, keeping aside what was typed for the next person) or opened for it.
 */
export async function undoNewSave(draftKey: string, entry: { id: string; state: FormState }, show: Show): Promise<void> {
  try {
    await openFormOf(draftKey)?.flush(); // what is on screen is in the draft before undo reads it
    const { setAside } = await undoNewEntry(draftKey, entry);
    const form = openFormOf(draftKey);
    // The form on screen says so itself (a toast would repeat it over the title).
    if (form) return await form.reload(setAside ? 'undoneSetAside' : 'undone');
    navigate({ name: 'newAccompaniment' });
    show({ message: 'Enregistrement annulé : l’accompagnement est revenu dans le formulaire.' });
  } catch (err) {
    show({ message: `L’annulation a échoué : ${(err as Error).message}`, tone: 'error' });
  }
}

/** An edit: the previous data comes back, unless the record changed again since (then nothing). */
export async function undoEditedSave(previous: LocalRecord<'accompaniment'>, saved: LocalRecord<'accompaniment'>, show: Show): Promise<void> {
  try {
    await undoEdit(previous, saved);
    show({ message: 'Modification annulée.' });
  } catch (err) {
    const message =
      err instanceof StaleEditError
        ? 'Impossible d’annuler : cet accompagnement a été modifié entre-temps. Ouvrez-le pour vérifier.'
        : `L’annulation a échoué : ${(err as Error).message}`;
    show({ message, tone: 'error' });
  }
}
