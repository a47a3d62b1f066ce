/**
 * The accompaniment forms on screen, by draft key. An undo run from the toast (which outlives the
 * form that saved) must first write what the form on screen holds, then make that form show what
 * undo put back in its draft: without this, the next keystroke would overwrite it.
 */

export interface OpenForm {
  /** Writes the pending draft at once. */
  flush: () => Promise<void>;
  /** Shows the draft as stored now (after an undo put an entry back in it). */
  reload: (reason: ReloadReason) => Promise<void>;
}

/** Why the form is reloaded: an undone entry is back, maybe with the next person's set aside. */
export type ReloadReason = 'undone' | 'undoneSetAside';

const forms = new Map<string, OpenForm>();

/** Registers the form on screen under its draft key; returns the unregistration. */
export function registerForm(key: string, form: OpenForm): () => void {
  forms.set(key, form);
  return () => {
    if (forms.get(key) === form) forms.delete(key);
  };
}

export function openFormOf(key: string): OpenForm | undefined {
  return forms.get(key);
}
