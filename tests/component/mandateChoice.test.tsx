// « Fait à sa place » in the accompaniment form: the chosen person's valid mandate is one tap;
// an expired, revoked or not-covering one is shown with why and cannot be chosen; changing the
// procedures checks again; the save names the mandate. (Until the form's "who" lands, the person
// is set through the form's state: its draft.)
import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, frenchDate, parisDate } from '../../src/domain/dates';
import { expiresOnFor } from '../../src/domain/mandates';
import { initialState } from '../../src/features/accompaniment/formModel';
import { beneficiary, mandate } from '../unit/peopleFixtures';
import { freshDatabase, renderApp, screen } from './helpers';

const today = parisDate(new Date());
let personId: string;
const ids = { valid: newId(), expired: newId(), revoked: newId(), housing: newId() };

beforeEach(async () => {
  await freshDatabase();
  personId = newId();
  await saveRecord('beneficiary', personId, beneficiary());
  const signed = addDays(today, -40);
  await saveRecord('mandate', ids.valid, mandate(personId, { signedOn: signed, expiresOn: expiresOnFor(signed, 365), domains: ['transports', 'social'] }));
  const old = addDays(today, -400);
  await saveRecord('mandate', ids.expired, mandate(personId, { signedOn: old, expiresOn: expiresOnFor(old, 365), domains: ['transports'] }));
  await saveRecord(
    'mandate',
    ids.revoked,
    mandate(personId, { signedOn: signed, expiresOn: expiresOnFor(signed, 365), domains: ['transports'], revokedOn: addDays(today, -2) }),
  );
  await saveRecord(
    'mandate',
    ids.housing,
    mandate(personId, { signedOn: signed, durationDays: 182, expiresOn: expiresOnFor(signed, 182), domains: ['logement'] }),
  );
  // The form's person, as the "who" part sets it.
  const state = { ...initialState(today, null), beneficiaryId: personId };
  await db.drafts.put({ key: 'accompaniment:new', value: { id: newId(), state }, savedAt: new Date().toISOString() });
});

const choiceOf = (id: string) => document.querySelector<HTMLInputElement>(`input[name="mandate"][value="${id}"]`)!;

describe('the form’s mandate choice', () => {
  it('offers the valid mandate, greys the others with why, re-checks when the procedures change, and saves the one chosen', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait à sa place' }));
    const group = await screen.findByRole('group', { name: 'Mandat utilisé' });

    await within(group).findByText(`Ne convient pas : expiré le ${frenchDate(expiresOnFor(addDays(today, -400), 365))}`);
    expect(within(group).getByText(`Ne convient pas : révoqué le ${frenchDate(addDays(today, -2))}`)).toBeInTheDocument();
    expect(within(group).getByText('Ne convient pas : ne couvre pas « Transports – Mobilité »')).toBeInTheDocument();
    expect(choiceOf(ids.valid)).toBeEnabled();
    for (const id of [ids.expired, ids.revoked, ids.housing]) expect(choiceOf(id)).toBeDisabled();

    await user.click(choiceOf(ids.expired)); // a greyed one cannot be chosen
    expect(choiceOf(ids.expired)).not.toBeChecked();
    await user.click(choiceOf(ids.valid));
    expect(choiceOf(ids.valid)).toBeChecked();

    // A housing procedure too: the chosen mandate no longer covers it and is unchosen.
    await user.type(screen.getByRole('searchbox'), 'logement');
    await user.click(await screen.findByRole('checkbox', { name: 'Aide au logement (CAF)' }));
    await within(group).findAllByText('Ne convient pas : ne couvre pas « Logement »');
    expect(choiceOf(ids.valid)).toBeDisabled();
    expect(choiceOf(ids.valid)).not.toBeChecked();

    await user.click(screen.getByRole('checkbox', { name: /Aide au logement/ }));
    await user.click(choiceOf(ids.valid));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '15 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    const [saved] = await db.accompaniments.toArray();
    expect(saved.data).toMatchObject({ beneficiaryId: personId, posture: 'fait_a_la_place', mandateId: ids.valid, anonymous: null });
  });

  it('a mandate still naming a person merged into her is hers (the merge is known here) until its re-pointed version arrives', async () => {
    // Another person, merged into her (as the pull brings it), whose valid mandate still names the merged id.
    const merged = newId();
    await saveRecord('beneficiary', merged, beneficiary({ lastName: 'Dupon' }));
    const signed = addDays(today, -10);
    const hers = newId();
    await saveRecord('mandate', hers, mandate(merged, { signedOn: signed, expiresOn: expiresOnFor(signed, 365), domains: ['logement'] }));
    await db.beneficiaries.update(merged, { deleted: true, mergedInto: personId });

    const { user } = renderApp('#/accompagnement/nouveau');
    await user.type(await screen.findByRole('searchbox'), 'logement');
    await user.click(await screen.findByRole('checkbox', { name: 'Aide au logement (CAF)' }));
    await user.click(screen.getByRole('radio', { name: 'Fait à sa place' }));
    const group = await screen.findByRole('group', { name: 'Mandat utilisé' });
    await within(group).findByText(`Ne convient pas : expiré le ${frenchDate(expiresOnFor(addDays(today, -400), 365))}`);
    expect(within(group).queryByText(/autre personne/)).not.toBeInTheDocument();
    expect(choiceOf(hers)).toBeEnabled();
    await user.click(choiceOf(hers));
    expect(choiceOf(hers)).toBeChecked();
  });
});
