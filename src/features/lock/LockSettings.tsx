/**
 * Réglages → « Verrouillage et données »: the auto-lock delay, changing the lock code (the old one
 * is required; the data key is only re-wrapped), and « Oublier cette tablette » (wipes the local
 * data, the code and the enrolment, only once nothing waits to be sent).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { db } from '../../db/database';
import { describeUnsent, unsentWork, UnsentWorkError, type UnsentWork } from '../../db/wipe';
import { changeCode, forgetTablet } from '../../platform/lockChanges';
import { SelectField } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { useToast } from '../common/toastStore';
import { useSync } from '../../sync/syncStore';
import { DEFAULT_LOCK_DELAY, LOCK_DELAYS, loadLockDelay, saveLockDelay } from './autoLock';
import { NewCodeFields, newCodeErrors } from './NewCodeFields';

function ChangeCode() {
  const [codes, setCodes] = useState({ old: '', next: '', again: '' });
  const [errors, setErrors] = useState<{ old?: string; next?: string; again?: string }>({});
  const [busy, setBusy] = useState(false);
  const showToast = useToast((s) => s.show);
  const set = (field: keyof typeof codes) => (value: string) => setCodes((c) => ({ ...c, [field]: value }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const fresh = newCodeErrors(codes.next, codes.again, 'Les deux nouveaux codes ne sont pas identiques.');
    const next = { old: codes.old ? undefined : 'Tapez le code actuel.', next: fresh.code, again: fresh.again };
    setErrors(next);
    const first = next.old ? 'code-old' : next.next ? 'code-next' : next.again ? 'code-again' : null;
    if (first) return document.getElementById(first)?.focus();
    setBusy(true);
    try {
      // Wrong old codes count like on the lock screen (lockAttempts.ts).
      const outcome = await changeCode(codes.old, codes.next, db);
      if (outcome.kind === 'changed') {
        setCodes({ old: '', next: '', again: '' });
        showToast({ message: 'Code de verrouillage changé.' });
      } else if (outcome.kind === 'tooSoon') {
        setErrors({ old: `Trop d’essais : réessayez dans ${outcome.waitSeconds} s.` });
        document.getElementById('code-old')?.focus();
      } else if (outcome.kind === 'wait') {
        setErrors({ old: 'Code actuel incorrect.' });
        document.getElementById('code-old')?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="change-code-title">
      <h3 id="change-code-title">Changer le code de verrouillage</h3>
      <TextField id="code-old" label="Code actuel" type="password" autoComplete="off" value={codes.old} onChange={set('old')} error={errors.old} />
      <div className="row">
        <NewCodeFields
          ids={{ code: 'code-next', again: 'code-again' }}
          labels={{ code: 'Nouveau code', again: 'Retapez le nouveau code' }}
          hint="Au moins 6 chiffres, ou une phrase d’au moins 8 caractères."
          code={codes.next}
          again={codes.again}
          onCode={set('next')}
          onAgain={set('again')}
          errors={{ code: errors.next, again: errors.again }}
        />
      </div>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Changement…' : 'Changer le code'}
      </button>
    </form>
  );
}

function Forget() {
  const [step, setStep] = useState<'idle' | 'confirm' | 'unsent'>('idle');
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState<UnsentWork>({ changes: 0, drafts: 0 });

  const ask = async () => {
    const work = await unsentWork(db);
    setWaiting(work);
    setStep(work.changes + work.drafts > 0 ? 'unsent' : 'confirm');
  };
  const forget = async () => {
    setBusy(true);
    try {
      await forgetTablet();
      useSync.getState().set({ enrolled: false, error: null, lastSuccessAt: null });
    } catch (error) {
      if (!(error instanceof UnsentWorkError)) throw error;
      setWaiting(await unsentWork(db));
      setStep('unsent');
      setBusy(false);
    }
  };

  return (
    <div className="card">
      <h3>Oublier cette tablette</h3>
      <p className="muted">Efface de cette tablette les données, l’inscription et le code. Ce qui a été envoyé reste sur le serveur.</p>
      {step === 'unsent' && (
        <p className="form-error" role="alert">
          Des saisies de cette tablette n’ont pas encore été envoyées au serveur ({describeUnsent(waiting)}) : rien n’a été effacé. Synchronisez d’abord, et
          terminez ou abandonnez les saisies commencées.
        </p>
      )}
      {step !== 'confirm' && (
        <button type="button" className="button" onClick={() => void ask()}>
          Oublier cette tablette
        </button>
      )}
      {step === 'confirm' && (
        <div role="alertdialog" aria-labelledby="forget-title" className="confirm">
          <p id="forget-title">
            <strong>Tout a été envoyé au serveur. Effacer les données de cette tablette ?</strong>
          </p>
          <button type="button" className="button button-primary" onClick={() => void forget()} disabled={busy}>
            Effacer les données de la tablette
          </button>
          <button type="button" className="button button-ghost" onClick={() => setStep('idle')}>
            Annuler
          </button>
        </div>
      )}
    </div>
  );
}

export function LockSettings() {
  const delay = useLiveQuery(() => loadLockDelay(db)) ?? DEFAULT_LOCK_DELAY;
  return (
    <>
      <SelectField
        id="lock-delay"
        label="Verrouiller automatiquement après"
        value={String(delay)}
        options={LOCK_DELAYS.map((m) => ({ value: String(m), label: `${m} min sans utilisation` }))}
        onChange={(v) => void saveLockDelay(db, Number(v))}
      />
      <ChangeCode />
      <Forget />
    </>
  );
}
