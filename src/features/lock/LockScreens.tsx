/**
 * The screens shown instead of the app while it is locked: « Déverrouiller », « Choisir un code
 * de verrouillage » (first open, a tablet in use before the lock existed, or handed to a new
 * user), and the blocked tablet after ten wrong codes with changes waiting (with the form that
 * recovers it with a coordinator's code: src/platform/recovery.ts). Part of the initial
 * bundle: kept small, no other screen imported.
 */
import { useEffect, useState } from 'react';
import { lockCodeProblem } from '../../crypto/keys';
import { TextField } from '../common/TextField';
import { delayAfter, MAX_WRONG_CODES } from '../../platform/lockAttempts';
import { setFirstCode, unlock, useLock } from '../../platform/lock';
import { recoverBlockedTablet } from '../../platform/recovery';

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
    const problem = lockCodeProblem(code);
    const next = { code: problem ?? undefined, again: !problem && code !== again ? 'Les deux codes ne sont pas identiques.' : undefined };
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
        <TextField
          id="new-code"
          label="Code de verrouillage"
          type="password"
          autoComplete="off"
          className="lock-code"
          value={code}
          onChange={setCode}
          error={errors.code}
        />
        <TextField
          id="new-code-again"
          label="Retapez le code"
          type="password"
          autoComplete="off"
          className="lock-code"
          value={again}
          onChange={setAgain}
          error={errors.again}
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

/** Why a recovery failed, in plain French, from the server's error code. */
function recoveryError(error: unknown): { code?: string; form?: string } {
  const e = error as { kind?: string; code?: string; message?: string };
  if (e.kind === 'offline') return { form: 'Pas de connexion au serveur : réessayez une fois la tablette connectée.' };
  if (e.code === 'invalid_code' || e.code === 'rate_limited' || e.code === 'role_mismatch') return { code: e.message };
  if (e.code === 'escrow_other_user')
    return { code: 'Ce code est au nom d’une autre personne : demandez à la coordination un code au nom de la personne inscrite sur cette tablette.' };
  if (e.code === 'already_recovered' || e.code === 'escrow_invalid') return { form: e.message };
  return { form: 'La tablette n’a pas pu être récupérée : réessayez, ou prévenez la coordination.' };
}

export function BlockedScreen({ waiting, recoverable = false, enrolledAs }: { waiting: number; recoverable?: boolean; enrolledAs?: string }) {
  useEffect(() => document.getElementById('blocked-title')?.focus(), []);
  const [code, setCode] = useState('');
  const [lockCode, setLockCode] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<{ code?: string; lockCode?: string; again?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const problem = lockCodeProblem(lockCode);
    const next = {
      code: code.trim() ? undefined : 'Tapez le code donné par la coordination.',
      lockCode: problem ?? undefined,
      again: !problem && lockCode !== again ? 'Les deux codes ne sont pas identiques.' : undefined,
    };
    setErrors(next);
    const first = next.code ? 'recovery-code' : next.lockCode ? 'recovery-lock-code' : next.again ? 'recovery-lock-code-again' : null;
    if (first) return document.getElementById(first)?.focus();
    setBusy(true);
    try {
      await recoverBlockedTablet({ baseUrl: window.location.origin, code: code.trim(), lockCode });
    } catch (error) {
      const shown = recoveryError(error);
      setErrors(shown);
      document.getElementById(shown.code ? 'recovery-code' : 'recovery-submit')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="app-main lock-screen" id="contenu">
      <section className="screen" aria-labelledby="blocked-title">
        <h1 id="blocked-title" tabIndex={-1}>
          Tablette bloquée
        </h1>
        <p>{MAX_WRONG_CODES} codes incorrects ont été tapés.</p>
        {recoverable ? (
          <>
            <p>
              Les données de la tablette ont été effacées, sauf {waiting} modification{waiting > 1 ? 's qui attendent' : ' qui attend'} d’être envoyée
              {waiting > 1 ? 's' : ''} au serveur, gardée{waiting > 1 ? 's' : ''} chiffrée{waiting > 1 ? 's' : ''}.
            </p>
            <p>
              Pour les envoyer, demandez à la coordination un code d’inscription au nom de {enrolledAs ?? 'la personne inscrite sur cette tablette'} (Réglages →
              Appareils → Créer un code d’inscription), tapez-le ici et choisissez un nouveau code de verrouillage.
            </p>
            <form onSubmit={(e) => void submit(e)} noValidate aria-label="Récupérer la tablette">
              <TextField
                id="recovery-code"
                label="Code d’inscription de la coordination"
                autoComplete="off"
                value={code}
                onChange={(v) => {
                  setCode(v);
                  setErrors({});
                }}
                error={errors.code}
              />
              <TextField
                id="recovery-lock-code"
                label="Nouveau code de verrouillage"
                type="password"
                autoComplete="off"
                className="lock-code"
                value={lockCode}
                onChange={setLockCode}
                error={errors.lockCode}
              />
              <TextField
                id="recovery-lock-code-again"
                label="Retapez le nouveau code"
                type="password"
                autoComplete="off"
                className="lock-code"
                value={again}
                onChange={setAgain}
                error={errors.again}
              />
              {errors.form && (
                <p className="form-error" role="alert">
                  {errors.form}
                </p>
              )}
              <button id="recovery-submit" type="submit" className="button button-large button-primary" disabled={busy}>
                {busy ? 'Récupération…' : 'Récupérer la tablette'}
              </button>
            </form>
          </>
        ) : (
          <p>
            {waiting} modification{waiting > 1 ? 's attendent' : ' attend'} d’être envoyée{waiting > 1 ? 's' : ''} au serveur : rien n’a été effacé, tout reste
            chiffré sur la tablette. Apportez-la à la coordination sans la réinitialiser.
          </p>
        )}
      </section>
    </main>
  );
}
