/**
 * The screens shown instead of the app while it is locked: « Déverrouiller » and « Choisir un
 * code de verrouillage » (first open, a tablet in use before the lock existed, or handed to a new
 * user). Part of the initial bundle: kept small, no other screen imported. The blocked tablet's
 * screen, rarely shown, loads on demand (BlockedScreen.tsx).
 */
import { useState } from 'react';
import { TextField } from '../common/TextField';
import { NewCodeFields, newCodeErrors } from './NewCodeFields';
import { delayAfter, MAX_WRONG_CODES } from '../../platform/lockAttempts';
import { setFirstCode, unlock, useLock } from '../../platform/lock';

const secondsText = (s: number) => (s >= 60 ? `${Math.ceil(s / 60)} min` : `${s} s`);

export function UnlockScreen({ digits, enrolledAs }: { digits: boolean; enrolledAs?: string }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!code) return setError('Tapez votre code de verrouillage.');
    setBusy(true);
    try {
      const outcome = await unlock(code).catch(() => null);
      if (outcome === null) {
        setError('Relais n’a pas pu s’ouvrir : rechargez la page et réessayez.');
        return;
      }
      if (outcome.kind === 'open') return;
      setCode('');
      if (outcome.kind === 'tooSoon') setError(`Trop d’essais : réessayez dans ${secondsText(outcome.waitSeconds)}.`);
      else if (outcome.kind === 'wait') {
        const left = MAX_WRONG_CODES - outcome.attempts.failures;
        const wait = delayAfter(outcome.attempts.failures);
        setError(
          `Code incorrect.${wait > 0 ? ` Prochain essai dans ${secondsText(wait)}.` : ''}${left <= 5 ? ` Encore ${left} essai${left > 1 ? 's' : ''} : ensuite les données de la tablette seront effacées.` : ''}`,
        );
      }
      document.getElementById('unlock-code')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="app-main lock-screen" id="contenu">
      <form className="screen" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="unlock-title">
        <h1 id="unlock-title" tabIndex={-1}>
          Déverrouiller
        </h1>
        <p className="muted">Relais est verrouillé pour protéger les données des personnes accompagnées{enrolledAs ? ` (tablette de ${enrolledAs})` : ''}.</p>
        <TextField
          id="unlock-code"
          label="Code de verrouillage"
          type="password"
          inputMode={digits ? 'numeric' : 'text'}
          autoComplete="off"
          autoFocus
          className="lock-code"
          value={code}
          onChange={(v) => {
            setCode(v);
            setError(undefined);
          }}
          error={error}
        />
        <button type="submit" className="button button-large button-primary" disabled={busy}>
          {busy ? 'Vérification…' : 'Déverrouiller'}
        </button>
      </form>
    </main>
  );
}

export function SetCodeScreen({ enrolled }: { enrolled: boolean }) {
  const [code, setCode] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ code?: string; again?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const notice = useLock((s) => s.notice);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const next = newCodeErrors(code, again);
    setErrors(next);
    if (next.code || next.again) return document.getElementById(next.code ? 'new-code' : 'new-code-again')?.focus();
    setBusy(true);
    try {
      await setFirstCode(code);
    } catch {
      setErrors({ form: 'Le code n’a pas pu être enregistré : rechargez la page et réessayez.' });
      setBusy(false);
    }
  };

  return (
    <main className="app-main lock-screen" id="contenu">
      <form className="screen" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="set-code-title">
        <h1 id="set-code-title" tabIndex={-1}>
          Choisir un code de verrouillage
        </h1>
        {notice && <p role="status">{notice}</p>}
        <p className="muted">
          {enrolled
            ? 'Relais protège désormais les données des personnes accompagnées par un code. Choisissez-le avant de continuer : les données de la tablette seront chiffrées.'
            : 'Ce code protège les données des personnes accompagnées. Il sera demandé à chaque ouverture de Relais et après quelques minutes sans utilisation.'}
        </p>
        <p className="muted">Au moins 6 chiffres, ou une phrase d’au moins 8 caractères. Ne le notez pas sur la tablette.</p>
        <NewCodeFields
          ids={{ code: 'new-code', again: 'new-code-again' }}
          labels={{ code: 'Code de verrouillage', again: 'Retapez le code' }}
          code={code}
          again={again}
          onCode={setCode}
          onAgain={setAgain}
          errors={errors}
          inputClass="lock-code"
        />
        {errors.form && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="button button-large button-primary" disabled={busy}>
          {busy ? 'Protection des données…' : 'Enregistrer le code'}
        </button>
      </form>
    </main>
  );
}
