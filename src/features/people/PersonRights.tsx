/**
 * « Ses droits » on a person's page (coordinator): **Exporter ses données** opens everything the
 * server holds about her (JSON download and a printable view), **Effacer cette personne** asks for
 * a plain confirmation saying what is erased and that the tallies keep counting her, then erases
 * her everywhere. Both need the network, and say so when there is none.
 */
import { useRef, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { hrefOf } from '../../platform/router';
import { personName } from './labels';
import { OFFLINE_RIGHTS, useErasePerson, useOnline } from './usePersonRights';

export function PersonRights({ person }: { person: LocalRecord<'beneficiary'> }) {
  const online = useOnline();
  const [confirming, setConfirming] = useState(false);
  const { busy, error, erase } = useErasePerson();
  const opener = useRef<HTMLButtonElement>(null);
  const name = personName(person.data);
  const close = () => {
    setConfirming(false);
    opener.current?.focus();
  };

  return (
    <section className="card person-rights" aria-labelledby="rights-title">
      <h2 id="rights-title">Ses droits</h2>
      <p>Elle peut demander tout ce que l’association garde sur elle, ou son effacement.</p>
      {!online && (
        <p className="form-error" role="status">
          {OFFLINE_RIGHTS}
        </p>
      )}
      <div className="actions">
        <a className="button button-secondary button-large" href={hrefOf({ name: 'personData', id: person.id })}>
          Exporter ses données
        </a>
        <button ref={opener} type="button" className="button button-danger-outline button-large" onClick={() => setConfirming(true)} aria-expanded={confirming}>
          Effacer cette personne
        </button>
      </div>
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby="erase-title"
          aria-describedby="erase-what"
          className="confirm confirm-question"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && !busy) close();
          }}
        >
          <p id="erase-title" className="confirm-title">
            Effacer « {name} » ?
          </p>
          <div id="erase-what">
            <p>
              Sa fiche (nom, téléphone, note), ses mandats et ses suivis seront effacés du serveur, puis de chaque tablette à sa prochaine synchronisation,
              ainsi que les notes de ses visites. On ne pourra pas les retrouver.
            </p>
            <p>Ses visites restent comptées dans les bilans, sans son nom : les chiffres passés ne changent pas.</p>
            <p>L’effacement se fait avec le serveur : il demande le réseau.</p>
          </div>
          {!online && (
            <p className="form-error" role="alert">
              {OFFLINE_RIGHTS}
            </p>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="confirm-actions">
            <button type="button" className="button button-danger button-large" disabled={busy || !online} onClick={() => void erase(person.id)}>
              {busy ? 'Effacement…' : 'Oui, effacer définitivement'}
            </button>
            <button type="button" className="button button-ghost button-large" onClick={close} autoFocus>
              Non, annuler
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
