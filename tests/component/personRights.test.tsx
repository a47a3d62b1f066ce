// Her rights on the person's page (coordinator): « Exporter ses données » opens what the server
// holds about her, readable, printable and downloadable; « Effacer cette personne » asks a plain
// confirmation (what goes, that tallies keep counting her), needs the network and says so, then
// erases her. A mediator sees neither button.
import { waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { saveCredentials } from '../../src/sync/credentials';
import { beneficiary } from '../unit/peopleFixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(async () => {
  await freshDatabase();
  vi.restoreAllMocks();
});

async function zoe() {
  const id = newId();
  await saveRecord('beneficiary', id, beneficiary({ firstName: 'Zoé', lastName: 'Quintard' }));
  return id;
}

const enrolled = (role: 'mediator' | 'coordinator') =>
  saveCredentials(db, { deviceId: 'd', token: 'secret-token', role, name: 'Claire', label: 'Bureau', enrolledAt: new Date().toISOString() });

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('her rights on her page', () => {
  it('are not offered to a mediator', async () => {
    const id = await zoe();
    await enrolled('mediator');
    renderApp(`#/personnes/${id}`);
    expect(await screen.findByRole('heading', { name: 'Zoé Quintard' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Effacer cette personne' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Exporter ses données' })).not.toBeInTheDocument();
  });

  it('offline: says the network is needed, explains the erasure, and changes nothing', async () => {
    const id = await zoe();
    await enrolled('coordinator');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { user } = renderApp(`#/personnes/${id}`);
    const rights = await screen.findByRole('region', { name: 'Ses droits' });
    expect(rights).toHaveTextContent('Pas de réseau');
    // Reachable by keyboard, in the page's order: the export link, then the erase button.
    const erase = within(rights).getByRole('button', { name: 'Effacer cette personne' });
    erase.focus();
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('alertdialog', { name: 'Effacer « Zoé Quintard » ?' });
    expect(dialog).toHaveAccessibleDescription(/restent comptées dans les bilans/);
    expect(dialog).toHaveTextContent('ses mandats et ses suivis seront effacés du serveur, puis de chaque tablette');
    expect(dialog).toHaveTextContent('Ses visites restent comptées dans les bilans, sans son nom');
    expect(dialog).toHaveTextContent('il demande le réseau');
    expect(within(dialog).getByRole('button', { name: 'Oui, effacer définitivement' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Non, annuler' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(erase).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Non, annuler' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect((await db.beneficiaries.get(id))?.data.lastName).toBe('Quintard');
  });

  it('online: erases her on the server and goes back to the people list', async () => {
    const id = await zoe();
    await enrolled('coordinator');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      const url = String(input);
      if (url.endsWith(`/api/v1/beneficiaries/${id}/erase`))
        return json({ id, erased: true, counts: { people: 1, mandates: 0, followups: 0, accompaniments: 0, opCopies: 0 } });
      throw new TypeError('network error'); // the sync that follows: retried later
    });
    const { user } = renderApp(`#/personnes/${id}`);
    await user.click(await screen.findByRole('button', { name: 'Effacer cette personne' }));
    await user.click(screen.getByRole('button', { name: 'Oui, effacer définitivement' }));
    await waitFor(() => expect(window.location.hash).toBe('#/personnes'));
    const call = fetchSpy.mock.calls.find(([url]) => String(url).endsWith('/erase'));
    expect(call?.[1]).toMatchObject({ method: 'POST', headers: { authorization: 'Bearer secret-token' } });
    expect(await screen.findByText(/Personne effacée/)).toBeInTheDocument();
  });

  it('« Exporter ses données » shows what the server holds, to print or download', async () => {
    const id = await zoe();
    await enrolled('coordinator');
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const dossier = {
      generatedAt: '2026-11-30T10:00:00.000Z',
      person: {
        entity: 'beneficiary',
        id,
        version: 1,
        deleted: false,
        data: beneficiary({ firstName: 'Zoé', lastName: 'Quintard', note: 'Sa fille l’aide' }),
        createdBy: 'Anne',
        createdAt: '2026-11-02T09:00:00.000Z',
        updatedBy: 'Anne',
        updatedAt: '2026-11-02T09:00:00.000Z',
      },
      mergedIds: [],
      merges: [],
      accompaniments: [],
      mandates: [],
      followups: [],
      opLog: [
        { opId: 'o1', entity: 'beneficiary', recordId: id, status: 'applied', receivedAt: '2026-11-02T09:00:00.000Z', by: 'Anne', sent: null, current: null },
      ],
    };
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => json(dossier));
    const { user } = renderApp(`#/personnes/${id}`);
    await user.click(await screen.findByRole('link', { name: 'Exporter ses données' }));
    expect(await screen.findByRole('heading', { name: 'Données détenues sur Zoé Quintard' })).toBeInTheDocument();
    expect(String(fetchSpy.mock.calls[0][0])).toContain(`/api/v1/beneficiaries/${id}/dossier`);
    expect(screen.getByText('Sa fille l’aide')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Historique des modifications (1)' })).toBeInTheDocument();
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    await user.click(screen.getByRole('button', { name: 'Imprimer' }));
    expect(print).toHaveBeenCalled();
    const createUrl = vi.fn(() => 'blob:dossier');
    Object.assign(URL, { createObjectURL: createUrl, revokeObjectURL: vi.fn() });
    await user.click(screen.getByRole('button', { name: 'Télécharger (JSON)' }));
    expect(createUrl).toHaveBeenCalledTimes(1);
  });
});
