/**
 * Coordinator: create an enrolment code (as text and as a QR code a tablet scans with its camera:
 * it opens the app on #/inscription/CODE), list devices with their last sync, revoke one.
 */
import { useCallback, useEffect, useState } from 'react';
import { sinceLabel } from '../../domain/format';
import { createCoordinatorApi, SyncError, type DeviceInfo } from '../../sync/api';
import type { DeviceCredentials } from '../../sync/credentials';
import { RadioChips } from '../common/Choices';
import { TextField } from '../common/TextField';
import { useToast } from '../common/toastStore';

const ROLE_OPTIONS = [
  { value: 'mediator' as const, label: 'Médiatrice, médiateur' },
  { value: 'coordinator' as const, label: 'Coordination' },
];

function explain(error: unknown): string {
  const kind = error instanceof SyncError ? error.kind : 'server';
  if (kind === 'offline') return 'Pas de réseau : la gestion des appareils se fait connecté au serveur.';
  if (kind === 'auth') return 'Cette tablette n’est plus autorisée : inscrivez-la à nouveau.';
  return error instanceof SyncError && error.kind === 'refused' ? error.message : 'Le serveur ne répond pas : réessayez.';
}

export function DevicesPanel({ credentials }: { credentials: DeviceCredentials }) {
  const api = createCoordinatorApi(window.location.origin, credentials.token);
  const [devices, setDevices] = useState<DeviceInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [role, setRole] = useState<'mediator' | 'coordinator'>('mediator');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ code: string; expiresAt: string; name: string; qr: string } | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null);
  const showToast = useToast((s) => s.show);

  const refresh = useCallback(() => {
    createCoordinatorApi(window.location.origin, credentials.token)
      .listDevices()
      .then((list) => {
        setDevices(list);
        setLoadError(null);
      })
      .catch((e: unknown) => setLoadError(explain(e)));
  }, [credentials.token]);
  useEffect(refresh, [refresh]);

  const createCode = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError('Indiquez le nom de la personne (unique dans l’association).');
      document.getElementById('enrolment-name')?.focus();
      return;
    }
    setNameError(null);
    try {
      const { code, expiresAt } = await api.createEnrolment(role, name.trim());
      const { toDataURL } = await import('qrcode');
      const qr = await toDataURL(`${window.location.origin}/#/inscription/${code}`, { margin: 1, width: 240, errorCorrectionLevel: 'M' });
      setCreated({ code, expiresAt, name: name.trim(), qr });
      setName('');
    } catch (error) {
      setNameError(explain(error));
    }
  };

  const revoke = async (id: string) => {
    try {
      await api.revokeDevice(id);
      setConfirmRevoke(null);
      showToast({ message: 'Appareil révoqué : il ne peut plus se synchroniser.' });
      refresh();
    } catch (error) {
      showToast({ message: explain(error), tone: 'error' });
    }
  };

  return (
    <>
      <form className="card" onSubmit={(e) => void createCode(e)} noValidate aria-labelledby="enrolment-title">
        <h3 id="enrolment-title">Créer un code d’inscription</h3>
        <fieldset className="group group-plain">
          <legend>Rôle</legend>
          <RadioChips name="enrolment-role" options={ROLE_OPTIONS} value={role} onChange={setRole} />
        </fieldset>
        <TextField
          id="enrolment-name"
          label="Nom de la personne"
          value={name}
          onChange={setName}
          error={nameError}
          hint="Une tablette de remplacement s’inscrit avec le même nom : elle retrouve les saisies de la personne."
        />
        <button type="submit" className="button button-primary">
          Créer un code d’inscription
        </button>
        {created && (
          <div className="enrolment-code" role="status">
            <p>
              Code pour <strong>{created.name}</strong>, valable une fois jusqu’au{' '}
              {new Date(created.expiresAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' })} :
            </p>
            <p className="code" data-testid="enrolment-code">
              {created.code}
            </p>
            <img src={created.qr} width={240} height={240} alt={`QR code d’inscription ${created.code}`} />
          </div>
        )}
      </form>

      <h3>Appareils</h3>
      {loadError && <p className="form-error">{loadError}</p>}
      <ul className="entries" aria-label="Appareils">
        {devices?.map((d) => (
          <li key={d.deviceId} className="entry entry-static">
            <span className="entry-main">
              <strong>
                {d.label} — {d.name}
              </strong>
              <span className="entry-detail">
                {d.role === 'coordinator' ? 'Coordination' : 'Médiation'} ·{' '}
                {d.revokedAt ? `révoqué ${sinceLabel(d.revokedAt)}` : d.lastSyncAt ? `synchronisé ${sinceLabel(d.lastSyncAt)}` : 'jamais synchronisé'}
                {d.deviceId === credentials.deviceId ? ' · cette tablette' : ''}
              </span>
            </span>
            {!d.revokedAt &&
              d.deviceId !== credentials.deviceId &&
              (confirmRevoke === d.deviceId ? (
                <span className="confirm-inline">
                  <button type="button" className="button button-danger" onClick={() => void revoke(d.deviceId)}>
                    Confirmer la révocation
                  </button>
                  <button type="button" className="button button-ghost" onClick={() => setConfirmRevoke(null)}>
                    Non
                  </button>
                </span>
              ) : (
                <button type="button" className="button button-danger-outline" onClick={() => setConfirmRevoke(d.deviceId)} aria-label={`Révoquer ${d.label}`}>
                  Révoquer
                </button>
              ))}
          </li>
        ))}
      </ul>
    </>
  );
}
