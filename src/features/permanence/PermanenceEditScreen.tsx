/**
 * Loads what the permanence edit form starts from: her kept draft (with the version it started
 * from) or the stored permanence.
 */
import { useEffect, useState } from 'react';
import { db } from '../../db/database';
import { loadDraft } from '../../db/drafts';
import { editBaseOf } from '../../db/writes';
import { permanenceDraftKey, permanenceStateOf, type PermanenceDraft } from './permanenceModel';
import { PermanenceForm } from './PermanenceForm';
import type { PermanenceFormStart } from './usePermanenceForm';

async function startOf(id: string): Promise<PermanenceFormStart | 'missing'> {
  const [kept, record] = await Promise.all([loadDraft<PermanenceDraft>(permanenceDraftKey(id)), db.permanences.get(id)]);
  if (!record || record.deleted) return 'missing';
  if (kept) return { initial: { ...kept, base: kept.base ?? editBaseOf(record) }, restored: true, record };
  return { initial: { id, state: permanenceStateOf(record.data), base: editBaseOf(record) }, restored: false, record };
}

export default function PermanenceEditScreen({ id }: { id: string }) {
  const [start, setStart] = useState<PermanenceFormStart | 'missing' | null>(null);
  useEffect(() => {
    let cancelled = false;
    void startOf(id).then((s) => !cancelled && setStart(s));
    return () => {
      cancelled = true;
    };
  }, [id]);
  if (start === 'missing') return <p className="muted">Cette permanence n’existe pas ou a été supprimée.</p>;
  if (!start) return <p className="muted">Chargement…</p>;
  return <PermanenceForm {...start} />;
}
