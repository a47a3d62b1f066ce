/**
 * « Tablette bloquée »: after ten wrong codes with changes waiting, what was kept, and the form
 * that recovers the tablet with a coordinator's code (src/platform/recovery.ts). Rarely shown:
 * loaded on demand by the lock gate (precached by the service worker, so offline too), not part
 * of the lock screen's initial bundle.
 */
import { useEffect, useState } from 'react';
import { TextField } from '../common/TextField';
import { NewCodeFields, newCodeErrors } from './NewCodeFields';
import { MAX_WRONG_CODES } from '../../platform/lockAttempts';
import { recoverBlockedTablet } from '../../platform/recovery';

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
    const fresh = newCodeErrors(lockCode, again);
    const next = { code: code.trim() ? undefined : 'Tapez le code donné par la coordination.', lockCode: fresh.code, again: fresh.again };
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
              <NewCodeFields
                ids={{ code: 'recovery-lock-code', again: 'recovery-lock-code-again' }}
                labels={{ code: 'Nouveau code de verrouillage', again: 'Retapez le nouveau code' }}
                code={lockCode}
                again={again}
                onCode={setLockCode}
                onAgain={setAgain}
                errors={{ code: errors.lockCode, again: errors.again }}
                inputClass="lock-code"
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
