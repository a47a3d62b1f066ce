/**
 * Loads what the person form starts from: her kept draft (an edit keeps the version it started
 * from; a new one never reuses a saved id), the record being edited, or a blank person.
 */
import { useEffect, useState } from 'react';
import { db } from '../../db/database';
import { loadDraft } from '../../db/drafts';
import { editBaseOf, newId } from '../../db/writes';
import { parisDate } from '../../domain/dates';
import { newPersonState, personStateOf } from './personModel';
import { PersonForm } from './PersonForm';
import { personDraftKey, type PersonDraft, type PersonFormStart } from './usePersonForm';

async function startOf(id: string | undefined, forEntry: string | undefined): Promise<PersonFormStart | 'missing'> {
  const [kept, record] = await Promise.all([loadDraft<PersonDraft>(personDraftKey(id)), id ? db.beneficiaries.get(id) : undefined]);
  if (id && (!record || record.deleted)) return 'missing';
  if (kept) {
    const draft = { ...kept };
    if (record) draft.base ??= editBaseOf(record);
    else if ((await db.beneficiaries.get(draft.id))?.deleted === false) draft.id = newId();
    return { initial: draft, restored: true, record: record ?? null, forEntry };
  }
  if (record) return { initial: { id: record.id, state: personStateOf(record.data), base: editBaseOf(record) }, restored: false, record, forEntry };
  return { initial: { id: newId(), state: newPersonState(parisDate(new Date())) }, restored: false, record: null, forEntry };
}

export default function PersonFormScreen({ id, forEntry }: { id?: string; forEntry?: string }) {
  const [start, setStart] = useState<PersonFormStart | 'missing' | null>(null);
  useEffect(() => {
    let cancelled = false;
    void startOf(id, forEntry).then((s) => !cancelled && setStart(s));
    return () => {
      cancelled = true;
    };
  }, [id, forEntry]);
  if (start === 'missing') return <p className="muted">Cette personne n’existe pas ou a été effacée.</p>;
  if (!start) return <p className="muted">Chargement…</p>;
  return <PersonForm {...start} />;
}
