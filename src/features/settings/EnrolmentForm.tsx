/**
 * "Inscrire cette tablette": the code from the coordinator (typed, or prefilled by scanning the
 * QR code, which opens #/inscription/CODE) and a name for this tablet.
 */
import { useState } from 'react';
import { navigate } from '../../platform/router';
import { handOverOtherTabs } from '../../platform/lock';
import { syncNow } from '../../platform/syncRuntime';
import { db } from '../../db/database';
import { UnsentWorkError } from '../../db/wipe';
import { SyncError } from '../../sync/api';
import { enrolmentContext, enrolThisTablet } from '../../sync/enrolment';
import { useSync } from '../../sync/syncStore';
import { useToast } from '../common/toastStore';
import { TextField } from '../common/TextField';
import { QrScanner } from './QrScanner';

export function EnrolmentForm({ initialCode = '', again = false, onEnrolled }: { initialCode?: string; again?: boolean; onEnrolled?: () => void }) {
  const [code, setCode] = useState(initialCode);
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<{ code?: string; label?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  /** Asked before a code is used on a tablet already enrolled: another person's code wipes it. */
  const [confirm, setConfirm] = useState<{ name: string; unsent: boolean; hasData: boolean } | null>(null);
  const showToast = useToast((s) => s.show);

  const submit = async (e: React.FormEvent | null, confirmed = false) => {
    e?.preventDefault();
    const next: typeof errors = {};
    if (code.replace(/[^A-Za-z0-9]/g, '').length < 8) next.code = 'Le code a 8 caractères, par exemple ABCD-EF23.';
    if (!label.trim()) next.label = 'Donnez un nom à cette tablette, par exemple « Tablette Mèze ».';
    setErrors(next);
    if (next.code || next.label) {
      document.getElementById(next.code ? 'enrol-code' : 'enrol-label')?.focus();
      return;
    }
    if (!confirmed) {
      const context = await enrolmentContext(db);
      if (context.current) {
        setConfirm({ name: context.current.name, unsent: context.unsent, hasData: context.hasData });
        requestAnimationFrame(() => document.getElementById('enrol-confirm-title')?.focus());
        return;
      }
    }
    setConfirm(null);
    setBusy(true);
    try {
      const { credentials, handedOver } = await enrolThisTablet(db, { baseUrl: window.location.origin, code: code.trim(), label: label.trim() });
      // Other tabs still hold the previous user's key: they drop it (never wrapped by her code).
      if (handedOver) handOverOtherTabs();
      useSync.getState().set({ enrolled: true, error: null, ...(handedOver ? { lastSuccessAt: null } : {}) });
      showToast({
        message: handedOver
          ? `Tablette inscrite au nom de ${credentials.name}. Les données de l’inscription précédente ont été effacées de la tablette.`
          : `Tablette inscrite au nom de ${credentials.name}.`,
      });
      navigate({ name: 'settings' });
      onEnrolled?.();
      // After a hand-over this waits for her code (syncRuntime.canSync): the key is not wrapped yet.
      void syncNow();
    } catch (err) {
      if (err instanceof UnsentWorkError) {
        setErrors({
          form: 'Ce code est pour une autre personne, mais des saisies de la tablette attendent encore d’être envoyées : rien n’a été effacé. Synchronisez-les d’abord avec l’inscription actuelle, puis demandez un nouveau code à la coordination.',
        });
        return;
      }
      const kind = err instanceof SyncError ? err.kind : 'server';
      if (err instanceof SyncError && err.code === 'role_mismatch') {
        setErrors({ form: 'Ce code donne un autre rôle que celui de cette personne : demandez un nouveau code à la coordination.' });
        return;
      }
      setErrors({
        form:
          kind === 'offline'
            ? 'Pas de réseau : l’inscription se fait à l’agence, connecté au serveur.'
            : kind === 'refused'
              ? 'Code inconnu, déjà utilisé ou expiré : demandez un nouveau code à la coordination.'
              : 'Le serveur ne répond pas : réessayez dans un instant.',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="enrol-title">
      <h3 id="enrol-title">{again ? 'Inscrire à nouveau cette tablette' : 'Inscrire cette tablette'}</h3>
      <p className="muted">La coordination crée un code (Réglages → Appareils). Scannez son QR code, ou tapez-le.</p>
      <QrScanner onCode={setCode} />
      <div className="row">
        <TextField
          id="enrol-code"
          label="Code d’inscription"
          value={code}
          onChange={(v) => setCode(v.toUpperCase())}
          autoComplete="off"
          autoCapitalize="characters"
          error={errors.code}
        />
        <TextField id="enrol-label" label="Nom de cette tablette" value={label} onChange={setLabel} placeholder="Tablette Mèze" error={errors.label} />
      </div>
      {confirm && (
        <div role="alertdialog" aria-labelledby="enrol-confirm-title" aria-describedby="enrol-confirm-text" className="confirm">
          <p id="enrol-confirm-title" tabIndex={-1}>
            <strong>Cette tablette est inscrite au nom de {confirm.name}.</strong>
          </p>
          <p id="enrol-confirm-text">
            {confirm.unsent
              ? `Des saisies attendent d’être envoyées. Avec un code au nom de ${confirm.name}, elles sont gardées. Avec le code d’une autre personne, l’inscription sera refusée : synchronisez d’abord.`
              : confirm.hasData
                ? `Avec un code au nom de ${confirm.name}, rien ne change. Avec le code d’une autre personne, les données de ${confirm.name} seront effacées de cette tablette (elles restent sur le serveur).`
                : `Avec le code d’une autre personne, la tablette passera à son nom.`}
          </p>
          <button type="button" className="button button-primary" onClick={() => void submit(null, true)} disabled={busy}>
            Continuer l’inscription
          </button>
          <button type="button" className="button button-ghost" onClick={() => setConfirm(null)}>
            Annuler
          </button>
        </div>
      )}
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      {!confirm && (
        <button type="submit" className="button button-primary" disabled={busy}>
          Inscrire
        </button>
      )}
    </form>
  );
}
