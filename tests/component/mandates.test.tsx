// Mandates on a person (the "Mandats et suivis" screen, same components as her page's slots):
// recording one (durations, end date, domains never « Compétences numériques », errors next to
// the fields), revoking it, and « Mandats à renouveler » on the person and on the home screen.
import { fireEvent, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, frenchDate, parisDate } from '../../src/domain/dates';
import { expiresOnFor } from '../../src/domain/mandates';
import { accompaniment } from '../unit/fixtures';
import { beneficiary, mandate } from '../unit/peopleFixtures';
import { freshDatabase, renderApp, screen } from './helpers';

const today = parisDate(new Date());
let personId: string;

beforeEach(async () => {
  await freshDatabase();
  personId = newId();
  await saveRecord('beneficiary', personId, beneficiary({ firstName: 'Josiane', lastName: 'M.' }));
});

describe('Enregistrer un mandat', () => {
  it('records a mandate of 6 months covering the chosen domains, its end computed from the signing day', async () => {
    const { user } = renderApp(`#/personnes/${personId}`);
    await user.click(await screen.findByRole('button', { name: 'Enregistrer un mandat' }));
    const form = screen.getByRole('form', { name: 'Enregistrer un mandat' });
    expect(within(form).getByRole('radio', { name: '1 an' })).toBeChecked(); // the default
    for (const d of ['1 jour', '31 jours', '6 mois', '1 an']) expect(within(form).getByRole('radio', { name: d })).toBeInTheDocument();
    expect(within(form).queryByRole('checkbox', { name: /Compétences numériques/ })).not.toBeInTheDocument();
    expect(within(form).getByLabelText('Signé le')).toHaveValue(today);

    await user.click(within(form).getByRole('radio', { name: '6 mois' }));
    expect(within(form).getByText(`Valable jusqu’au ${frenchDate(addDays(today, 181))} inclus.`)).toBeInTheDocument();
    await user.click(within(form).getByRole('checkbox', { name: 'Logement' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Social – Santé' }));
    await user.type(within(form).getByLabelText('Démarches écrites sur le mandat papier'), 'Demande d’aide au logement');
    await user.type(within(form).getByLabelText('Où le mandat papier est rangé'), 'Classeur bleu');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer le mandat' }));

    await screen.findByText('Mandat enregistré.');
    const [saved] = await db.mandates.toArray();
    expect(saved.data).toEqual({
      beneficiaryId: personId,
      signedOn: today,
      durationDays: 182,
      expiresOn: expiresOnFor(today, 182),
      domains: ['logement', 'social'],
      actions: 'Demande d’aide au logement',
      paperLocation: 'Classeur bleu',
      revokedOn: null,
    });
    expect(await db.outbox.where('entity').equals('mandate').count()).toBe(1);
    const card = await screen.findByRole('listitem', { name: /Mandat : Social – Santé, Logement|Mandat : Logement, Social – Santé/ });
    expect(within(card).getByText(/Valide jusqu’au/)).toBeInTheDocument();
    expect(within(card).getByText('Pas encore utilisé')).toBeInTheDocument();
  });

  it('says what is missing next to each field, and saves nothing', async () => {
    const { user } = renderApp(`#/personnes/${personId}`);
    await user.click(await screen.findByRole('button', { name: 'Enregistrer un mandat' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer le mandat' }));
    const domains = screen.getByRole('group', { name: 'Domaines couverts' });
    expect(within(domains).getByText('Choisissez les domaines couverts par le mandat.')).toHaveClass('field-error');
    expect(screen.getByLabelText('Démarches écrites sur le mandat papier')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Où le mandat papier est rangé')).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(document.activeElement).toBe(within(domains).getAllByRole('checkbox')[0]));
    expect(await db.mandates.count()).toBe(0);
  });
});

describe('Révoquer le mandat', () => {
  it('revokes on the chosen day, keeps no reason, and shows it revoked', async () => {
    const id = newId();
    await saveRecord('mandate', id, mandate(personId, { signedOn: addDays(today, -10), expiresOn: expiresOnFor(addDays(today, -10), 365) }));
    const { user } = renderApp(`#/personnes/${personId}`);
    await user.click(await screen.findByRole('button', { name: 'Révoquer le mandat' }));
    expect(screen.getByText(/La raison n’est pas enregistrée/)).toBeInTheDocument();
    expect(screen.getByLabelText('Révoqué le')).toHaveValue(today);
    await user.click(screen.getByRole('button', { name: 'Oui, révoquer' }));
    await screen.findByText(`Révoqué le ${frenchDate(today)}`);
    expect((await db.mandates.get(id))!.data.revokedOn).toBe(today);
    expect(screen.queryByRole('button', { name: 'Révoquer le mandat' })).not.toBeInTheDocument();
  });
});

describe('Révoquer a mandate already used', () => {
  it('dates it the day after its last use by default, says why, and refuses a day it was used', async () => {
    const id = newId();
    const signed = addDays(today, -10);
    await saveRecord('mandate', id, mandate(personId, { signedOn: signed, expiresOn: expiresOnFor(signed, 365), domains: ['social'] }));
    await saveRecord(
      'accompaniment',
      newId(),
      accompaniment({ date: today, beneficiaryId: personId, anonymous: null, posture: 'fait_a_la_place', mandateId: id }),
    );
    const { user } = renderApp(`#/personnes/${personId}`);
    await user.click(await screen.findByRole('button', { name: 'Révoquer le mandat' }));
    const date = screen.getByLabelText('Révoqué le');
    expect(date).toHaveValue(addDays(today, 1));
    expect(date).toHaveAttribute('min', addDays(today, 1));
    expect(screen.getByText(new RegExp(`Il a servi le ${frenchDate(today)} : la révocation prend effet au plus tôt le lendemain`))).toBeInTheDocument();

    // Typed back to today (a keyboard ignores min): refused next to the field, nothing saved.
    fireEvent.change(date, { target: { value: today } });
    await user.click(screen.getByRole('button', { name: 'Oui, révoquer' }));
    expect(
      await screen.findByText(
        `Le mandat a servi le ${frenchDate(today)} : la révocation prend effet au plus tôt le lendemain, le ${frenchDate(addDays(today, 1))}.`,
      ),
    ).toBeInTheDocument();
    expect((await db.mandates.get(id))!.data.revokedOn).toBeNull();

    fireEvent.change(date, { target: { value: addDays(today, 1) } });
    await user.click(screen.getByRole('button', { name: 'Oui, révoquer' }));
    await waitFor(async () => expect((await db.mandates.get(id))!.data.revokedOn).toBe(addDays(today, 1)));
  });
});

describe('Mandats à renouveler', () => {
  it('lists a mandate ending within 30 days on the person and on the home screen, not one ending later', async () => {
    const signedSoon = addDays(today, -350); // 1 an: ends in 15 days
    await saveRecord('mandate', newId(), mandate(personId, { signedOn: signedSoon, expiresOn: expiresOnFor(signedSoon, 365), domains: ['argent'] }));
    await saveRecord('mandate', newId(), mandate(personId, { signedOn: today, expiresOn: expiresOnFor(today, 365), domains: ['travail'] }));

    renderApp(`#/personnes/${personId}`);
    const onPerson = await screen.findByRole('region', { name: 'Mandats à renouveler' });
    expect(within(onPerson).getAllByRole('listitem')).toHaveLength(1);
    expect(within(onPerson).getByText(/encore 15 jours/)).toBeInTheDocument();

    window.location.hash = '#/';
    const home = await screen.findByRole('list', { name: 'Mandats à renouveler' });
    const items = within(home).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent('Josiane M. — Argent – Impôts');
    expect(within(items[0]).getByRole('link')).toHaveAttribute('href', `#/personnes/${personId}`);
  });
});
