/**
 * What every record form shares (people, permanences): its draft, kept as it is typed and resumed
 * on return; a save that validates first, clears the draft in the save's transaction, and turns a
 * newer version landing meanwhile (`StaleEditError`) into a question; and "Voir la version
 * actuelle", which replaces what she typed with the stored version. Each form says how its state
 * maps to data and what happens after a save.
 */
import { useState } from 'react';
import type { LocalRecord, StoredEntity } from '../../db/database';
import { StorageError } from '../../db/storageError';
import { editBaseOf, StaleEditError, ValidationError, type EditBase } from '../../db/writes';
import type { FieldError } from '../../domain/validation';
import { useAutosave } from './useAutosave';

export interface EditDraft<S> {
  id: string;
  state: S;
  /** Editing: the version the edit started from. */
  base?: EditBase;
}

export interface EditFormOptions<E extends StoredEntity, S, F extends string> {
  draftKey: string;
  initial: EditDraft<S>;
  restored: boolean;
  record: LocalRecord<E> | null;
  /** Field errors by field, from validation's list. */
  errorsOf: (fields: FieldError[]) => Partial<Record<F, string>>;
  /** The first field in error, in the form's order (it gets the focus). */
  firstError: (errors: Partial<Record<F, string>>) => F | undefined;
  stateOf: (data: LocalRecord<E>['data']) => S;
}

export function useEditForm<E extends StoredEntity, S, F extends string>(o: EditFormOptions<E, S, F>) {
  const [draft, setDraft] = useState(o.initial);
  const [record, setRecord] = useState(o.record);
  const [dirty, setDirty] = useState(o.restored);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState<LocalRecord<E> | null>(null);
  const [notice, setNotice] = useState<'restored' | 'current' | null>(o.restored ? 'restored' : null);
  const autosave = useAutosave(o.draftKey, draft, dirty);

  const update = (patch: Partial<S>) => {
    setDraft((d) => ({ ...d, state: { ...d.state, ...patch } }));
    setDirty(true);
    setFormError(null);
  };

  /**
   * Validates `problems`, then runs `write` (which saves with the draft key) and `after`; returns
   * the field to focus when something is wrong.
   */
  const save = async <R>(problems: FieldError[], write: () => Promise<R>, after: (saved: R) => void | Promise<void>): Promise<F | undefined> => {
    if (busy) return;
    setSubmitted(true);
    const errors = o.errorsOf(problems);
    if (Object.keys(errors).length > 0) return o.firstError(errors);
    setBusy(true);
    autosave.pause(); // the save clears the draft: no late write may bring it back
    try {
      const saved = await write();
      setDirty(false);
      setStale(null);
      await after(saved);
    } catch (err) {
      if (err instanceof StaleEditError) setStale(err.current as LocalRecord<E>);
      else if (err instanceof ValidationError) return o.firstError(o.errorsOf(err.fields));
      else setFormError(err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Votre saisie est gardée : réessayez.');
    } finally {
      setBusy(false);
    }
  };

  /** Shows the stored version instead of what she typed (she was told it is lost). */
  const showCurrent = async (current: LocalRecord<E>) => {
    await autosave.discard();
    setRecord(current);
    setDraft({ id: current.id, state: o.stateOf(current.data), base: editBaseOf(current) });
    setDirty(false);
    setStale(null);
    setSubmitted(false);
    setNotice('current');
  };

  return { draft, record, submitted, busy, formError, stale, notice, autosave, update, save, showCurrent };
}
