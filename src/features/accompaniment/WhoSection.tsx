/**
 * The form's "who": anonymous by default; **Chercher une personne** (2–3 letters, choose in one
 * tap) or **Nouvelle personne** (her agreement; comes back with her chosen). A chosen person's
 * statistics are shown as taken from her on the visit's date, instead of the anonymous ones.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { resolvePerson } from '../../db/people';
import { statsFromPerson } from '../../domain/people';
import type { IsoDate } from '../../domain/records';
import { AGE_BRACKET_LABELS, communeName, GENDER_LABELS, SOCIAL_STATUS_LABELS } from '../../domain/reference';
import { personName } from '../people/labels';
import { PersonSearchBox } from '../people/PersonSearchBox';

interface Props {
  beneficiaryId: string | null;
  date: IsoDate;
  onChoose: (id: string | null) => void;
  onNewPerson: () => void;
}

export function WhoSection({ beneficiaryId, date, onChoose, onNewPerson }: Props) {
  const [searching, setSearching] = useState(false);
  const person = useLiveQuery(async () => (beneficiaryId ? ((await resolvePerson(beneficiaryId)) ?? null) : null), [beneficiaryId]);
  const choose = (id: string | null) => {
    setSearching(false);
    onChoose(id);
  };

  if (beneficiaryId && !searching) {
    const stats = person ? statsFromPerson(person.data, date) : null;
    return (
      <fieldset className="group who-group" id="field-who">
        <legend>Personne</legend>
        <p className="who">
          <strong>{person ? personName(person.data) : person === null ? 'Personne introuvable (effacée ?)' : '…'}</strong>
        </p>
        {stats && (
          <p className="hint-muted" aria-label="Statistiques prises de sa fiche">
            Statistiques prises de sa fiche à la date de la visite : âge {AGE_BRACKET_LABELS[stats.ageBracket].toLowerCase()} · genre{' '}
            {GENDER_LABELS[stats.gender].toLowerCase()} · situation {SOCIAL_STATUS_LABELS[stats.socialStatus].toLowerCase()} ·{' '}
            {stats.residenceInsee ? communeName(stats.residenceInsee) : 'commune non précisée'}
            {stats.qpv ? ' · QPV' : ''}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={() => setSearching(true)}>
            Changer
          </button>
          <button type="button" className="button button-ghost" onClick={() => choose(null)}>
            Anonyme
          </button>
        </div>
      </fieldset>
    );
  }

  return (
    <fieldset className="group who-group" id="field-who">
      <legend>Personne</legend>
      {searching ? (
        <>
          <PersonSearchBox onChoose={choose} autoFocus />
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={onNewPerson}>
              Nouvelle personne
            </button>
            <button type="button" className="button button-ghost" onClick={() => setSearching(false)}>
              {beneficiaryId ? 'Garder la personne choisie' : 'Rester anonyme'}
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="who">
            <strong>Anonyme</strong>
          </p>
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={() => setSearching(true)}>
              Chercher une personne
            </button>
            <button type="button" className="button button-ghost" onClick={onNewPerson}>
              Nouvelle personne
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}
