// Followed people on the tablet: the form's "who" (search, choose in one tap, statistics taken
// from her on the visit's date, Nouvelle personne and back), the person form (errors next to the
// field, a stale edit asked about), her page (parcours, visits) and the Personnes screen.
import { fireEvent, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { beneficiary } from '../unit/peopleFixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(async () => {
  await freshDatabase();
  vi.restoreAllMocks();
});

async function person(over: Parameters<typeof beneficiary>[0] = {}) {
  const id = newId();
  await saveRecord('beneficiary', id, beneficiary(over));
  return id;
}

describe('the form’s who', () => {
  it('finds her from 2 letters, chooses her in one tap, and takes her statistics on the visit’s date', async () => {
    const id = await person({ firstName: 'Hélène', lastName: 'Le-Gall', birthYear: 2001, residenceInsee: '34301', gender: 'female', qpv: true });
    await person({ firstName: 'Marc', lastName: 'Durand' });
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('button', { name: 'Chercher une personne' }));
    await user.type(screen.getByLabelText('Chercher une personne'), 'LEG');
    const results = await screen.findByRole('list', { name: 'Personnes trouvées' });
    expect(within(results).getAllByRole('button')).toHaveLength(1);
    await user.click(within(results).getByRole('button', { name: /Hélène Le-Gall/ }));

    const stats = await screen.findByLabelText('Statistiques prises de sa fiche');
    expect(stats).toHaveTextContent('25–39 ans');
    expect(stats).toHaveTextContent('Sète');
    expect(stats).toHaveTextContent('QPV');
    expect(screen.queryByText('Statistiques anonymes (facultatif)')).not.toBeInTheDocument();
    // A visit in 2025: she was 24 then.
    fireEvent.change(screen.getByLabelText('Date'), { target: { value: '2025-06-02' } });
    await waitFor(() => expect(screen.getByLabelText('Statistiques prises de sa fiche')).toHaveTextContent('18–24 ans'));

    await user.click(screen.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Accompagnement enregistré.')).toBeInTheDocument();
    const [saved] = await db.accompaniments.toArray();
    expect(saved.data).toMatchObject({ beneficiaryId: id, anonymous: null, date: '2025-06-02' });
  });

  it('"Anonyme" undoes the choice; a person merged meanwhile is saved as her survivor', async () => {
    const survivor = await person({ firstName: 'Awa', lastName: 'Diallo' });
    const merged = await person({ firstName: 'Awa', lastName: 'Dialo' });
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('button', { name: 'Chercher une personne' }));
    await user.type(screen.getByLabelText('Chercher une personne'), 'dialo');
    await user.click(await screen.findByRole('button', { name: /Awa Dialo/ }));
    await user.click(await screen.findByRole('button', { name: 'Anonyme' }));
    expect(await screen.findByText('Statistiques anonymes (facultatif)', { selector: 'summary' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Chercher une personne' }));
    await user.type(screen.getByLabelText('Chercher une personne'), 'dialo');
    await user.click(await screen.findByRole('button', { name: /Awa Dialo/ }));
    // The coordinator merges her into the survivor; the pull brings the tombstone.
    const row = (await db.beneficiaries.get(merged))!;
    await db.beneficiaries.put({ ...row, deleted: true, mergedInto: survivor });
    await user.click(screen.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Accompagnement enregistré.')).toBeInTheDocument();
    expect((await db.accompaniments.toArray())[0].data.beneficiaryId).toBe(survivor);
  });

  it('"Nouvelle personne" reads her the information, records her, and comes back with her chosen and the visit kept', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }));
    await user.click(screen.getByRole('button', { name: 'Nouvelle personne' }));
    expect(await screen.findByText(/2 ans après notre dernier contact/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Enregistrer la personne' }));
    expect(screen.getByText('Le prénom est obligatoire.', { exact: false })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Prénom')).toHaveFocus());
    expect(await db.beneficiaries.count()).toBe(0);

    await user.type(screen.getByLabelText('Prénom'), 'Yasmina');
    await user.type(screen.getByLabelText('Nom ou son initiale'), 'B.');
    await user.type(screen.getByLabelText('Année de naissance (facultatif)'), '1985');
    await user.click(screen.getByRole('checkbox', { name: 'Pas de téléphone' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer la personne' }));

    expect(await screen.findByRole('heading', { name: 'Nouvel accompagnement' })).toBeInTheDocument();
    expect(await screen.findByText('Yasmina B.')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' })).toBeChecked();
    const [saved] = await db.beneficiaries.toArray();
    expect(saved.data).toMatchObject({ firstName: 'Yasmina', lastName: 'B.', birthYear: 1985, noPhone: true, phone: null, consentedOn: parisDate(new Date()) });
  });
});

describe('the person form', () => {
  it('asks before saving over a version changed elsewhere while it was open', async () => {
    const id = await person({ firstName: 'Marie', lastName: 'Dupont' });
    await db.beneficiaries.update(id, { version: 1 });
    await db.outbox.clear();
    const { user } = renderApp(`#/personnes/${id}/modifier`);
    const first = await screen.findByLabelText('Prénom');
    await user.clear(first);
    await user.type(first, 'Maria');
    const row = (await db.beneficiaries.get(id))!;
    await db.beneficiaries.put({ ...row, version: 2, rev: (row.rev ?? 0) + 1, data: { ...row.data, birthYear: 1961 } });
    await user.click(screen.getByRole('button', { name: 'Enregistrer la personne' }));

    const question = await screen.findByRole('alertdialog', { name: 'Cette personne a été modifiée ailleurs depuis que vous l’avez ouverte.' });
    expect((await db.beneficiaries.get(id))?.data).toMatchObject({ firstName: 'Marie', birthYear: 1961 });
    await user.click(within(question).getByRole('button', { name: 'Enregistrer ma version' }));
    expect(await screen.findByRole('heading', { name: 'Maria Dupont' })).toBeInTheDocument();
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 1, data: { firstName: 'Maria' } }]);
  });
});

describe('Personnes and her page', () => {
  it('lists hits with commune and last visit, and her page shows the path to autonomy and her visits', async () => {
    const id = await person({ firstName: 'Jean-Éric', lastName: 'Martin', residenceInsee: '34157' });
    const visit = (date: string, posture: 'fait_a_la_place' | 'fait_avec' | 'laisse_faire') =>
      saveRecord('accompaniment', newId(), accompaniment({ date, posture, beneficiaryId: id, anonymous: null }));
    await visit('2026-09-01', 'fait_avec');
    await visit('2026-10-01', 'fait_avec');
    await visit('2026-11-02', 'laisse_faire');
    const { user } = renderApp('#/personnes');
    await user.type(await screen.findByLabelText('Chercher une personne'), 'eric');
    const hit = await screen.findByRole('link', { name: /Jean-Éric Martin/ });
    expect(hit).toHaveTextContent('Mèze · dernière visite le 02/11/2026');
    await user.click(hit);

    expect(await screen.findByRole('heading', { name: 'Jean-Éric Martin' })).toBeInTheDocument();
    const table = screen.getByRole('table');
    const row = within(table).getByRole('row', { name: /Social/ });
    expect(row).toHaveTextContent('01/09/2026 Fait avec elle');
    expect(row).toHaveTextContent('02/11/2026 Seule');
    expect(screen.getByText(/seule la dernière fois \(en progrès\)/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Visites (3)' })).toBeInTheDocument();
  });

  it('draws at most 20 hits and asks for more letters; her page draws her latest 30 visits, the older ones on request', async () => {
    await db.beneficiaries.bulkPut(
      Array.from({ length: 25 }, (_, i) => ({
        entity: 'beneficiary' as const,
        id: newId(),
        version: 1,
        deleted: false,
        data: beneficiary({ firstName: `Marie${String.fromCharCode(97 + i)}`, lastName: 'Roux' }),
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      })),
    );
    const id = await person({ firstName: 'Zoé', lastName: 'Vidal' });
    await db.accompaniments.bulkPut(
      Array.from({ length: 35 }, (_, i) => ({
        entity: 'accompaniment' as const,
        id: newId(),
        version: 1,
        deleted: false,
        data: accompaniment({ date: `2026-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`, beneficiaryId: id, anonymous: null }),
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      })),
    );
    const { user } = renderApp('#/personnes');
    await user.type(await screen.findByLabelText('Chercher une personne'), 'rou');
    const results = await screen.findByRole('list', { name: 'Personnes trouvées' });
    expect(within(results).getAllByRole('link')).toHaveLength(20);
    expect(screen.getByText('D’autres personnes ont ces lettres : tapez-en davantage pour les trouver.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Chercher une personne'), ' mariey');
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Personnes trouvées' })).getAllByRole('link')).toHaveLength(1));
    expect(screen.queryByText(/tapez-en davantage/)).not.toBeInTheDocument();

    window.location.hash = `#/personnes/${id}`;
    expect(await screen.findByRole('heading', { name: 'Visites (35)' })).toBeInTheDocument();
    const visits = () => document.querySelectorAll('.person-visits li');
    await waitFor(() => expect(visits()).toHaveLength(30));
    expect(visits()[0]).toHaveTextContent('07/02/2026'); // the newest first
    await user.click(screen.getByRole('button', { name: 'Voir les visites plus anciennes (5)' }));
    expect(visits()).toHaveLength(35);
    expect(visits()[34]).toHaveTextContent('01/01/2026');
  });

  it('flags a possible duplicate; merging is the coordinator’s and needs the network', async () => {
    const id = await person({ firstName: 'Awa', lastName: 'Diallo', birthYear: 1980 });
    await person({ firstName: 'Awa', lastName: 'Dialo', birthYear: 1980 });
    const { saveCredentials } = await import('../../src/sync/credentials');
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'coordinator', name: 'Claire', label: 'Bureau', enrolledAt: new Date().toISOString() });
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { user } = renderApp(`#/personnes/${id}`);
    const flag = await screen.findByRole('note');
    expect(flag).toHaveTextContent('Awa Dialo (même prénom, même année de naissance)');
    await user.click(within(flag).getByRole('button', { name: 'Fusionner' }));
    await user.click(screen.getByRole('button', { name: 'Oui, fusionner' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('elle demande le réseau');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('says two people followed by different mediators cannot be merged, instead of offering « Fusionner »', async () => {
    const id = await person({ firstName: 'Awa', lastName: 'Diallo', birthYear: 1980 });
    const other = await person({ firstName: 'Awa', lastName: 'Dialo', birthYear: 1980 });
    // As pulled back from the server: each names who created her.
    await db.beneficiaries.update(id, { createdBy: 'Anne' });
    await db.beneficiaries.update(other, { createdBy: 'Béatrice' });
    const { saveCredentials } = await import('../../src/sync/credentials');
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'coordinator', name: 'Claire', label: 'Bureau', enrolledAt: new Date().toISOString() });
    renderApp(`#/personnes/${id}`);
    const flag = await screen.findByRole('note');
    expect(flag).toHaveTextContent('Awa Dialo');
    expect(flag).toHaveTextContent('Suivies par Anne et par Béatrice : pas de fusion possible');
    expect(within(flag).queryByRole('button', { name: 'Fusionner' })).toBeNull();
    // The same person created by one mediator, then pulled back with a differently typed name: one follower.
    await db.beneficiaries.update(other, { createdBy: ' anne ' });
    expect(await within(flag).findByRole('button', { name: 'Fusionner' })).toBeInTheDocument();
  });

  it('Historique’s search finds her by name, and her visits', async () => {
    const id = await person({ firstName: 'Yasmina', lastName: 'Bensaïd' });
    await saveRecord(
      'accompaniment',
      newId(),
      accompaniment({
        date: '2026-10-05',
        beneficiaryId: id,
        anonymous: null,
        procedures: [{ code: 'carte_grise', domain: 'transports', partner: 'interieur' }],
      }),
    );
    await saveRecord('accompaniment', newId(), accompaniment({ date: '2026-10-06' }));
    const { user } = renderApp('#/historique');
    await user.type(await screen.findByLabelText('Rechercher dans tout l’historique'), 'bensa');
    expect(await screen.findByRole('link', { name: /Yasmina Bensaïd/ })).toHaveAttribute('href', `#/personnes/${id}`);
    expect(await screen.findByRole('heading', { name: '1 résultat' })).toBeInTheDocument();
    expect(screen.getByText('Carte grise')).toBeInTheDocument();
  });
});
