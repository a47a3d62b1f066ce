/**
 * Nouvel accompagnement / editing one: loads what the form starts from (a kept draft made safe to
 * save by `resumeEntry`, the record being edited, her open permanence, her recent entries) and
 * hands it to the form.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { hrefOf } from '../../platform/router';
import { resumeEntry } from '../../db/accompanimentSession';
import type { LocalRecord } from '../../db/database';
import { editBaseOf, newId } from '../../db/writes';
import { recentAccompaniments } from '../../db/listQueries';
import { catalogue, findOpenPermanence } from '../../db/queries';
import { parisDate } from '../../domain/dates';
import { orderDurations, recentProcedureCodes } from '../../domain/usage';
import { AccompanimentForm } from './AccompanimentForm';
import { initialState, stateFromData, type FormState } from './formModel';
import type { FormDraft } from './useAccompanimentForm';

/** Drafts are kept per form: the new-entry form, and each record being edited. */
export const draftKeyOf = (id?: string) => `accompaniment:${id ?? 'new'}`;

export interface FormContext {
  open: LocalRecord<'permanence'> | null;
  recent: LocalRecord<'accompaniment'>[];
  catalogue: LocalRecord<'procedure'>[];
  durations: number[];
  recentCodes: string[];
}

interface Start {
  draft: FormDraft;
  restored: boolean;
  record: LocalRecord<'accompaniment'> | null;
}

export function AccompanimentScreen({ id }: { id?: string }) {
  const [start, setStart] = useState<Start | 'missing' | null>(null);
  const context = useLiveQuery(async (): Promise<FormContext> => {
    const [open, recent, procedures] = await Promise.all([findOpenPermanence(), recentAccompaniments(), catalogue()]);
    return {
      open: open ?? null,
      recent,
      catalogue: procedures,
      durations: orderDurations(recent.map((r) => r.data)),
      recentCodes: recentProcedureCodes(recent.map((r) => r.data)),
    };
  });
  const ready = context !== undefined;

  useEffect(() => {
    if (!ready || start) return;
    let cancelled = false;
    void (async () => {
      const resumed = await resumeEntry<FormState>(draftKeyOf(id), id);
      let next: Start | 'missing';
      if (resumed.kind === 'missing') next = 'missing';
      else if (resumed.kind === 'draft') next = { draft: resumed.draft, restored: true, record: resumed.record };
      else if (resumed.record) {
        const record = resumed.record;
        next = { draft: { id: record.id, state: stateFromData(record.data, context.durations), base: editBaseOf(record) }, restored: false, record };
      } else next = { draft: { id: newId(), state: initialState(parisDate(new Date()), context.open) }, restored: false, record: null };
      if (!cancelled) setStart(next);
    })();
    return () => {
      cancelled = true;
    };
  }, [ready, id, start, context]);

  if (start === 'missing') {
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Accompagnement introuvable</h1>
        <p>Cet accompagnement n’existe pas ou a été supprimé.</p>
        <a className="button button-secondary" href={hrefOf({ name: 'today' })}>
          Retour à l’accueil
        </a>
      </section>
    );
  }
  if (!start || !context) return <p className="muted">Chargement…</p>;
  return <AccompanimentForm draftKey={draftKeyOf(id)} initial={start.draft} restored={start.restored} record={start.record} context={context} />;
}
