/**
 * "Nouvelle personne" / "Modifier la personne": only with her agreement. The information to read
 * to her comes first; then the minimal fields of domain.md §2 and the consent date. Never logins,
 * passwords, ID numbers, nationality or health. Errors sit next to their field and the first one
 * gets the focus. Decisions are `usePersonForm`'s.
 */
import { AGE_BRACKET_LABELS, GENDER_LABELS, SOCIAL_STATUS_LABELS } from '../../domain/reference';
import { ageBracketOn } from '../../domain/people';
import { NoteField } from '../common/NoteField';
import { Group, optionsOf, RadioChips } from '../common/Choices';
import { COMMUNE_OPTIONS, OptionList } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { CONSENT_TEXT, PUBLIC_LABELS } from './labels';
import type { PersonField } from './personModel';
import { usePersonForm, type PersonFormStart } from './usePersonForm';

const FOCUS: Record<PersonField, string> = {
  firstName: 'person-firstName',
  lastName: 'person-lastName',
  birthYear: 'person-birthYear',
  residenceInsee: 'person-residence',
  phone: 'person-phone',
  qpv: 'person-qpv',
  public: 'field-public',
  gender: 'field-person-gender',
  socialStatus: 'field-person-status',
  consentedOn: 'person-consentedOn',
  note: 'person-note',
};

function focusField(field: PersonField) {
  const target = document.getElementById(FOCUS[field]);
  const control = target?.matches('input, select, textarea') ? target : target?.querySelector<HTMLElement>('input');
  (control ?? target)?.focus();
}

export function PersonForm(props: PersonFormStart) {
  const form = usePersonForm(props);
  const { state: s, errors, update } = form;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const first = await form.submit();
    if (first) requestAnimationFrame(() => focusField(first));
  };
  const year = Number(s.birthYear);
  const bracket = s.birthYear.length === 4 && Number.isInteger(year) ? ageBracketOn(year, s.consentedOn) : null;

  return (
    <section className="screen" aria-labelledby="person-title">
      <h1 id="person-title" tabIndex={-1}>
        {form.editing ? 'Modifier la personne' : 'Nouvelle personne'}
      </h1>
      {form.notice && (
        <p className="notice" role="status">
          {form.notice === 'restored' ? 'Saisie reprise là où vous l’aviez laissée.' : 'Voici la version actuelle de cette personne.'}
        </p>
      )}
      {!form.editing && (
        <div className="consent-box">
          <p className="consent-title">À lire à la personne avant d’enregistrer (seulement si elle est d’accord) :</p>
          <p className="consent-text">« {CONSENT_TEXT} »</p>
        </div>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="row">
          <TextField
            id="person-firstName"
            label="Prénom"
            value={s.firstName}
            onChange={(firstName) => update({ firstName })}
            error={errors.firstName}
            autoComplete="off"
            maxLength={60}
          />
          <TextField
            id="person-lastName"
            label="Nom ou son initiale"
            value={s.lastName}
            onChange={(lastName) => update({ lastName })}
            error={errors.lastName}
            autoComplete="off"
            maxLength={60}
          />
        </div>
        <div className="row">
          <TextField
            id="person-birthYear"
            label="Année de naissance (facultatif)"
            inputMode="numeric"
            maxLength={4}
            value={s.birthYear}
            onChange={(birthYear) => update({ birthYear: birthYear.replace(/\D/g, '') })}
            error={errors.birthYear}
            hint={bracket ? `Tranche d’âge : ${AGE_BRACKET_LABELS[bracket]}` : 'ex. 1958'}
          />
          <div className="field">
            <label htmlFor="person-residence">Commune de résidence</label>
            <select
              id="person-residence"
              value={s.residenceInsee ?? ''}
              onChange={(e) => update({ residenceInsee: e.target.value || null })}
              aria-invalid={errors.residenceInsee ? true : undefined}
            >
              <option value="">Non précisée</option>
              <OptionList options={COMMUNE_OPTIONS} />
            </select>
            {errors.residenceInsee && <p className="field-error">{errors.residenceInsee}</p>}
          </div>
        </div>
        <div className="row">
          <TextField
            id="person-phone"
            label="Téléphone (facultatif)"
            type="tel"
            inputMode="tel"
            value={s.noPhone ? '' : s.phone}
            disabled={s.noPhone}
            onChange={(phone) => update({ phone })}
            error={errors.phone}
          />
          <label className="check">
            <input type="checkbox" checked={s.noPhone} onChange={(e) => update({ noPhone: e.target.checked, phone: e.target.checked ? '' : s.phone })} />
            <span>Pas de téléphone</span>
          </label>
        </div>
        <label className="check">
          <input id="person-qpv" type="checkbox" checked={s.qpv} onChange={(e) => update({ qpv: e.target.checked })} />
          <span>Habite un quartier prioritaire (QPV)</span>
        </label>
        <Group id="field-public" legend="Public" error={errors.public}>
          <RadioChips name="public" value={s.public} options={optionsOf(PUBLIC_LABELS)} onChange={(v) => update({ public: v })} />
        </Group>
        <Group id="field-person-gender" legend="Genre" error={errors.gender}>
          <RadioChips name="person-gender" value={s.gender} options={optionsOf(GENDER_LABELS)} onChange={(gender) => update({ gender })} />
        </Group>
        <Group id="field-person-status" legend="Situation" error={errors.socialStatus}>
          <RadioChips
            name="person-status"
            value={s.socialStatus}
            options={optionsOf(SOCIAL_STATUS_LABELS)}
            onChange={(socialStatus) => update({ socialStatus })}
          />
        </Group>
        <div className="field field-inline">
          <label htmlFor="person-consentedOn">Date de son accord</label>
          <input
            id="person-consentedOn"
            type="date"
            value={s.consentedOn}
            onChange={(e) => update({ consentedOn: e.target.value })}
            aria-invalid={errors.consentedOn ? true : undefined}
          />
          {errors.consentedOn && <p className="field-error">{errors.consentedOn}</p>}
        </div>
        <NoteField id="person-note" label="Note (facultatif)" value={s.note} onChange={(note) => update({ note })} error={errors.note} />
        {form.formError && (
          <p className="form-error" role="alert">
            {form.formError}
          </p>
        )}
        {form.stale && (
          <div role="alertdialog" aria-labelledby="person-stale-title" className="confirm confirm-question">
            <p id="person-stale-title" className="confirm-title">
              {form.stale.deleted
                ? 'Cette personne a été effacée ailleurs depuis que vous l’avez ouverte.'
                : 'Cette personne a été modifiée ailleurs depuis que vous l’avez ouverte.'}
            </p>
            <p>Votre saisie n’est pas encore enregistrée. Voir la version actuelle (votre saisie sera perdue), ou enregistrer la vôtre ?</p>
            <div className="confirm-actions">
              <button type="button" className="button button-secondary button-large" onClick={() => void form.showCurrent()}>
                Voir la version actuelle
              </button>
              <button type="button" className="button button-primary button-large" onClick={() => void form.saveMine()}>
                Enregistrer ma version
              </button>
            </div>
          </div>
        )}
        <div className="actions actions-sticky">
          <button type="submit" className="button button-primary button-large" disabled={form.busy}>
            Enregistrer la personne
          </button>
          <button type="button" className="button button-ghost" onClick={() => void form.cancel()}>
            Annuler
          </button>
        </div>
      </form>
    </section>
  );
}
