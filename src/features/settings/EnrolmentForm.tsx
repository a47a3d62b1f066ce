/**
 * "Inscrire cette tablette": the code from the coordinator (typed, or prefilled by scanning the
 * QR code, which opens #/inscription/CODE) and a name for this tablet.
 */
import { useState } from 'react';
import { navigate } from '../../platform/router';
import { syncNow } from '../../platform/syncRuntime';
import { db } from '../../db/database';
import { enrolDevice, SyncError } from '../../sync/api';
import { saveCredentials } from '../../sync/credentials';
import { useSync } from '../../sync/syncStore';
import { useToast } from '../common/toastStore';
import { TextField } from '../common/TextField';
import { QrScanner } from './QrScanner';

export function EnrolmentForm({ initialCode = '', again = false }: { initialCode?: string; again?: boolean }) {
  const [code, setCode] = useState(initialCode);
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<{ code?: string; label?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const showToast = useToast((s) => s.show);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (code.replace(/[^A-Za-z0-9]/g, '').length < 8) next.code = 'Le code a 8 caractères, par exemple ABCD-EF23.';
    if (!label.trim()) next.label = 'Donnez un nom à cette tablette, par exemple « Tablette Mèze ».';
    setErrors(next);
    if (next.code || next.label) {
      document.getElementById(next.code ? 'enrol-code' : 'enrol-label')?.focus();
      return;
    }
    setBusy(true);
    try {
      const enrolled = await enrolDevice(window.location.origin, code.trim(), label.trim());
      await saveCredentials(db, { ...enrolled, label: label.trim(), enrolledAt: new Date().toISOString() });
      useSync.getState().set({ enrolled: true, error: null });
      showToast({ message: `Tablette inscrite au nom de ${enrolled.name}.` });
      navigate({ name: 'settings' });
      void syncNow();
    } catch (err) {
      const kind = err instanceof SyncError ? err.kind : 'server';
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
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={busy}>
        Inscrire
      </button>
    </form>
  );
}
