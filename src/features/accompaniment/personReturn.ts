/**
 * Coming back to the accompaniment form from "Nouvelle personne": the entry's draft (kept by the
 * form before it left) gets her as its person, then the form opens again and resumes it.
 */
import { loadDraft, saveDraft } from '../../db/drafts';
import { findOpenPermanence } from '../../db/queries';
import { parisDate } from '../../domain/dates';
import { navigate } from '../../platform/router';
import { draftKeyOf } from './AccompanimentScreen';
import { initialState } from './formModel';
import type { FormDraft } from './useAccompanimentForm';
import { newId } from '../../db/writes';

/** `forEntry`: 'new' or the id of the accompaniment being edited. */
export async function returnWithPerson(forEntry: string, personId: string | null): Promise<void> {
  const edit = forEntry === 'new' ? undefined : forEntry;
  const key = draftKeyOf(edit);
  const kept = await loadDraft<FormDraft>(key);
  if (personId) {
    if (kept) await saveDraft(key, { ...kept, state: { ...kept.state, beneficiaryId: personId } });
    else if (!edit) {
      const open = (await findOpenPermanence()) ?? null;
      await saveDraft(key, { id: newId(), state: { ...initialState(parisDate(new Date()), open), beneficiaryId: personId } });
    }
  }
  navigate(edit ? { name: 'editAccompaniment', id: edit } : { name: 'newAccompaniment' });
}
