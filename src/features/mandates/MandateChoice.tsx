/**
 * « Fait à sa place » in the accompaniment form: the chosen person's mandates. Those valid on the
 * visit's date and covering every chosen procedure's domain are one-tap choices; the others are
 * shown greyed with why, in plain words (« expiré le … », « ne couvre pas « Logement » »), and
 * cannot be chosen. A chosen mandate that stops fitting (date or procedures changed) is unchosen.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './mandates.css';
import { useEffect } from 'react';
import { personMandates } from '../../db/people';
import { hrefOf } from '../../platform/router';
import { Group } from '../common/Choices';
import type { FormState } from '../accompaniment/formModel';
import { domainsLabel, lastValidDay, mandateChoices } from './mandateModel';
import { frenchDate } from '../../domain/dates';

interface Props {
  state: FormState;
  update: (patch: Partial<FormState>) => void;
  error?: string;
}

export function MandateChoice({ state: s, update, error }: Props) {
  const personId = s.beneficiaryId ?? null;
  const held = useLiveQuery(async () => (personId ? ((await personMandates(personId)) ?? null) : null), [personId]);
  const mandates = held === undefined ? undefined : (held?.mandates ?? []);
  const domains = s.procedures.map((p) => p.domain);
  const choices = held && personId ? mandateChoices(held.mandates, { beneficiaryId: personId, date: s.date, domains }, held.survivorOf) : [];
  const chosen = s.mandateId ?? null;
  const chosenFits = choices.some((c) => c.mandate.id === chosen && c.why === null);
  const stale = mandates !== undefined && chosen !== null && !chosenFits;

  useEffect(() => {
    if (stale) update({ mandateId: null });
  }, [stale, update]);

  const hint = !personId
    ? 'Choisissez d’abord la personne : le mandat est le sien.'
    : chosen === null && !error
      ? 'Choisissez le mandat signé par la personne.'
      : undefined;
  return (
    <Group id="field-mandate" legend="Mandat utilisé" error={error} hint={hint}>
      {personId && mandates && mandates.length === 0 && (
        <p>
          Elle n’a aucun mandat. <a href={hrefOf({ name: 'person', id: personId })}>Enregistrer un mandat</a>
        </p>
      )}
      <ul className="mandate-choices">
        {choices.map(({ mandate, why }) => (
          <li key={mandate.id}>
            <label className={`chip chip-wide ${why ? 'chip-unavailable' : ''}`}>
              <input
                type="radio"
                name="mandate"
                value={mandate.id}
                checked={chosen === mandate.id && why === null}
                disabled={why !== null}
                onChange={() => update({ mandateId: mandate.id })}
                aria-describedby={why ? `why-${mandate.id}` : undefined}
              />
              <span>
                Mandat {domainsLabel(mandate.data.domains)} — valable jusqu’au {frenchDate(lastValidDay(mandate.data))} inclus
              </span>
            </label>
            {why && (
              <p className="mandate-why" id={`why-${mandate.id}`}>
                Ne convient pas : {why}
              </p>
            )}
          </li>
        ))}
      </ul>
    </Group>
  );
}
