import { waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { saveCredentials } from '../../src/sync/credentials';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(freshDatabase);

async function refusedEdit(kind: 'conflict' | 'rejected') {
  const id = newId();
  const mine = accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()), durationMinutes: 90 });
  await saveRecord('accompaniment', id, mine);
  await db.accompaniments.update(id, { version: 1 });
  await db.outbox.clear();
  await db.syncIssues.put({
    opId: newId(),
    entity: 'accompaniment',
    id,
    kind,
    fields: kind === 'rejected' ? [{ path: 'durationMinutes', message: 'Durée refusée par le serveur.' }] : [],
    current: kind === 'conflict' ? { entity: 'accompaniment', id, version: 2, deleted: false, data: { ...mine, durationMinutes: 45 } as never } : null,
    sent: { baseVersion: 1, deleted: false, data: mine as never },
    at: new Date().toISOString(),
  });
  return id;
}

describe('changes the server refused', () => {
  it('are marked in today’s list and explained on the sync screen, with the server’s version one tap away', async () => {
    const id = await refusedEdit('conflict');
    const { user } = renderApp();
    const list = await screen.findByRole('list', { name: 'Accompagnements du jour' });
    expect(await within(list).findByText('À corriger')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: '1 à corriger' }));
    expect(await screen.findByText(/Modifié ailleurs entre-temps \(version 2 sur le serveur\)/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Prendre la version du serveur' }));
    await waitFor(async () => expect(await db.syncIssues.count()).toBe(0));
    expect(await db.accompaniments.get(id)).toMatchObject({ version: 2, data: { durationMinutes: 45 } });
    expect(await db.outbox.count()).toBe(0);
  });

  it('can be resent on top of the server’s version ("Garder ma version")', async () => {
    const id = await refusedEdit('conflict');
    const { user } = renderApp('#/synchronisation');
    await user.click(await screen.findByRole('button', { name: 'Garder ma version' }));
    await waitFor(async () => expect(await db.syncIssues.count()).toBe(0));
    const [op] = await db.outbox.toArray();
    expect(op).toMatchObject({ id, baseVersion: 2, data: { durationMinutes: 90 } });
  });

  it('shows why a change was rejected and lets her correct it in the form', async () => {
    const id = await refusedEdit('rejected');
    const { user } = renderApp('#/synchronisation');
    expect(await screen.findByText('Durée refusée par le serveur.')).toBeInTheDocument();
    await user.click(await screen.findByRole('link', { name: 'Corriger' }));
    await screen.findByRole('heading', { name: 'Modifier l’accompagnement' });
    await user.click(screen.getByRole('radio', { name: '1 h' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await waitFor(async () => expect(await db.syncIssues.count()).toBe(0));
    expect((await db.outbox.toArray())[0]).toMatchObject({ id, baseVersion: 1, data: { durationMinutes: 60 } });
  });
});

describe('settings', () => {
  it('asks an unenrolled tablet for its enrolment code, with field errors', async () => {
    const { user } = renderApp('#/reglages');
    await user.click(await screen.findByRole('button', { name: 'Inscrire' }));
    expect(screen.getByText('Le code a 8 caractères, par exemple ABCD-EF23.')).toBeInTheDocument();
    expect(screen.getByLabelText('Code d’inscription')).toHaveFocus();
  });

  it('lets the coordinator edit a relay, queued for sync like any change', async () => {
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'coordinator', name: 'Claire', label: 'Agence', enrolledAt: new Date().toISOString() });
    const { user } = renderApp('#/reglages');
    await user.click(await screen.findByRole('button', { name: 'Modifier Médiathèque de Mèze' }));
    const form = screen.getByRole('form', { name: 'Relais' });
    const name = within(form).getByLabelText('Nom du relais');
    await user.clear(name);
    await user.click(within(form).getByRole('button', { name: 'Enregistrer' }));
    expect(within(form).getByText('Le nom est obligatoire.')).toBeInTheDocument();
    await user.type(name, 'Médiathèque La Fontaine');
    await user.type(within(form).getByLabelText('Jours habituels (ex. mardi matin)'), ', jeudi matin');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Médiathèque La Fontaine')).toBeInTheDocument();
    const [op] = await db.outbox.toArray();
    expect(op).toMatchObject({
      entity: 'relay',
      baseVersion: 0,
      data: { name: 'Médiathèque La Fontaine', schedule: 'lundi matin, jeudi matin', communeInsee: '34157' },
    });
  });
});

describe('enrolling the tablet again', () => {
  const answer = (body: unknown, status = 201) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('for another person asks first, then wipes the previous user’s entries', async () => {
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'mediator', name: 'Anne', label: 'Tablette Mèze', enrolledAt: new Date().toISOString() });
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301' }));
    await db.outbox.clear(); // already sent
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => answer({ deviceId: 'd2', token: 't2', role: 'mediator', name: 'Hélène' }));
    const { user } = renderApp('#/reglages');
    await user.click(await screen.findByRole('button', { name: 'Inscrire à nouveau' }));
    await user.type(screen.getByLabelText('Code d’inscription'), 'ABCD-EF23');
    await user.type(screen.getByLabelText('Nom de cette tablette'), 'Tablette Mèze');
    await user.click(screen.getByRole('button', { name: 'Inscrire' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Cette tablette est inscrite au nom de Anne.');
    expect(dialog).toHaveTextContent('les données de Anne seront effacées de cette tablette');
    expect(fetchSpy).not.toHaveBeenCalled(); // nothing sent before she confirms
    await user.click(within(dialog).getByRole('button', { name: 'Continuer l’inscription' }));
    await waitFor(async () => expect(await db.accompaniments.count()).toBe(0));
    expect(await screen.findByText('Tablette Mèze, au nom de Hélène (médiation)')).toBeInTheDocument();
    expect(screen.queryByLabelText('Code d’inscription')).not.toBeInTheDocument();
    fetchSpy.mockRestore();
  });

  it('for another person is refused while entries wait to be sent, and keeps them', async () => {
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'mediator', name: 'Anne', label: 'Tablette Mèze', enrolledAt: new Date().toISOString() });
    await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301' }));
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => answer({ deviceId: 'd2', token: 't2', role: 'mediator', name: 'Hélène' }));
    const { user } = renderApp('#/reglages');
    await user.click(await screen.findByRole('button', { name: 'Inscrire à nouveau' }));
    await user.type(screen.getByLabelText('Code d’inscription'), 'ABCD-EF23');
    await user.type(screen.getByLabelText('Nom de cette tablette'), 'Tablette Mèze');
    await user.click(screen.getByRole('button', { name: 'Inscrire' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Des saisies attendent d’être envoyées');
    await user.click(within(dialog).getByRole('button', { name: 'Continuer l’inscription' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('rien n’a été effacé');
    expect(await db.accompaniments.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    fetchSpy.mockRestore();
  });
});
