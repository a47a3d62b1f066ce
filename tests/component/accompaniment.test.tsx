import { act, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { openPermanence } from '../../src/db/permanences';
import { saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(async () => {
  await freshDatabase();
  vi.restoreAllMocks();
});

async function openTodayPermanence() {
  const relay = (await db.relays.toArray()).find((r) => r.data.communeInsee === '34157')!;
  return openPermanence(relay, parisDate(new Date()), '09:00');
}

describe('logging an accompaniment', () => {
  it('takes at most 6 taps and no typing in the common case', async () => {
    await openTodayPermanence();
    const { tap, taps } = renderApp();
    await tap(await screen.findByRole('link', { name: 'Nouvel accompagnement' }));
    await tap(await screen.findByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }));
    await tap(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await tap(screen.getByRole('radio', { name: 'Terminé' }));
    await tap(screen.getByRole('radio', { name: '30 min' }));
    await tap(screen.getByRole('button', { name: 'Enregistrer' }));

    expect(taps()).toBeLessThanOrEqual(6);
    expect(await screen.findByText('Accompagnement enregistré.')).toBeInTheDocument();
    const list = await screen.findByRole('list', { name: 'Accompagnements du jour' });
    expect(await within(list).findByText('Compte Ameli (Assurance Maladie)')).toBeInTheDocument();
    const [saved] = await db.accompaniments.toArray();
    expect(saved.data).toMatchObject({
      placeType: 'relay',
      communeInsee: '34157',
      durationMinutes: 30,
      posture: 'fait_avec',
      outcome: 'finalisee',
      procedures: [{ code: 'ameli_compte', domain: 'social', partner: 'cpam' }],
      anonymous: { alreadyHelped: false, gender: 'unknown', ageBracket: 'unknown' },
    });
    expect(await db.outbox.where('[entity+id]').equals(['accompaniment', saved.id]).count()).toBe(1);
  });

  it('shows each error next to its field and moves the focus to the first one', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    const procedures = screen.getByRole('group', { name: 'Démarches' });
    expect(within(procedures).getByText('Choisissez au moins une démarche.')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Qui a fait la démarche ?' })).getByText('Choisissez qui a fait la démarche.')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Durée' })).getByText(/Choisissez une durée/)).toBeInTheDocument();
    expect(screen.queryByText('Choisissez le résultat.')).not.toBeInTheDocument();
    // The first chip of the first group in error, not the search box (no on-screen keyboard).
    await waitFor(() => expect(within(procedures).getAllByRole('checkbox')[0]).toHaveFocus());
    expect(await db.accompaniments.count()).toBe(0);

    // Fixing a field clears its message at once.
    await user.click(screen.getByRole('checkbox', { name: 'Carte grise' }));
    expect(within(procedures).queryByText('Choisissez au moins une démarche.')).not.toBeInTheDocument();
  });

  it('finds a procedure by typing and records outside a permanence', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.type(await screen.findByRole('searchbox', { name: 'Rechercher une démarche' }), 'sejour');
    await user.click(screen.getByRole('checkbox', { name: 'Titre de séjour (ANEF)' }));
    await user.click(screen.getByRole('radio', { name: 'À domicile' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Commune' }), 'Loupian');
    await user.click(screen.getByRole('radio', { name: 'La personne a fait seule' }));
    await user.click(screen.getByRole('radio', { name: 'Orienté vers…' }));
    await user.click(screen.getByRole('radio', { name: 'France Services' }));
    await user.click(screen.getByRole('radio', { name: '1 h' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    const [saved] = await db.accompaniments.toArray();
    expect(saved.data).toMatchObject({
      permanenceId: null,
      placeType: 'home',
      communeInsee: '34143',
      outcome: 'orientee',
      referral: { target: 'france_services', note: null },
      procedures: [{ code: 'titre_sejour_anef', domain: 'etranger', partner: 'interieur' }],
    });
  });

  it('refuses "Fait à sa place" without a mandate, and says so next to the field', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait à sa place' }));
    // Anonymous: no mandate can be hers yet.
    const mandate = screen.getByRole('group', { name: 'Mandat utilisé' });
    expect(within(mandate).getByText(/Choisissez d’abord la personne/)).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '15 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await db.accompaniments.count()).toBe(0);
    expect(within(mandate).getByText(/demande un mandat de la personne/)).toHaveClass('field-error');
  });

  it('undoes a save from the confirmation, bringing the entry back into the form', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '45 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await user.click(await screen.findByRole('button', { name: 'Annuler' }));
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    expect(screen.getByRole('checkbox', { name: 'Carte grise' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '45 min' })).toBeChecked();
    expect((await db.accompaniments.toArray()).every((a) => a.deleted)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps the procedures for the next person with "Enregistrer et nouveau"', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer et nouveau' }));
    await screen.findByText('Accompagnement enregistré.');
    expect(screen.getByRole('heading', { name: 'Nouvel accompagnement' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Carte grise' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Fait avec la personne' })).not.toBeChecked();
    expect(await db.accompaniments.count()).toBe(1);
  });

  it('"Comme le précédent" copies the previous entry for editing', async () => {
    await saveRecord(
      'accompaniment',
      crypto.randomUUID(),
      accompaniment({
        permanenceId: null,
        placeType: 'agency',
        communeInsee: '34301',
        date: parisDate(new Date()),
        durationMinutes: 90,
        posture: 'laisse_faire',
        outcome: 'doit_revenir',
      }),
    );
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('button', { name: 'Comme le précédent' }));
    expect(screen.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'La personne a fait seule' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Doit revenir' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '1 h 30' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    expect(await db.accompaniments.count()).toBe(2);
  });

  it('keeps a half-filled form as a draft when the screen is left and reopened', async () => {
    const first = renderApp('#/accompagnement/nouveau');
    await first.user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await first.user.click(screen.getByRole('radio', { name: 'Doit revenir' }));
    await waitFor(async () => expect(await db.drafts.get('accompaniment:new')).toBeDefined());
    first.unmount();

    renderApp('#/accompagnement/nouveau');
    expect(await screen.findByText('Saisie reprise là où vous l’aviez laissée.')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Carte grise' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Doit revenir' })).toBeChecked();
  });

  it('shows a full disk in plain French and keeps what was typed', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    vi.spyOn(db.outbox, 'add').mockRejectedValue(new DOMException('quota', 'QuotaExceededError'));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('La mémoire de la tablette est pleine');
    expect(screen.getByRole('checkbox', { name: 'Carte grise' })).toBeChecked();
    expect(await db.accompaniments.count()).toBe(0);
  });
});

describe('editing and deleting', () => {
  async function seedOne() {
    const id = crypto.randomUUID();
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
    return id;
  }

  it('opens an entry from today’s list and saves a change', async () => {
    const id = await seedOne();
    const { user } = renderApp();
    const list = await screen.findByRole('list', { name: 'Accompagnements du jour' });
    await user.click(await within(list).findByRole('link', { name: /Compte Ameli/ }));
    expect(await screen.findByRole('heading', { name: 'Modifier l’accompagnement' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '30 min' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: '1 h' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Accompagnement modifié.')).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(60);
    expect(await db.outbox.count()).toBe(1);
  });

  it('asks before deleting, and the deletion can be undone', async () => {
    const id = await seedOne();
    const { user } = renderApp(`#/accompagnement/${id}`);
    await user.click(await screen.findByRole('button', { name: 'Supprimer' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Supprimer cet accompagnement ?' });
    await user.click(within(confirm).getByRole('button', { name: 'Non, garder' }));
    expect((await db.accompaniments.get(id))?.deleted).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Supprimer' }));
    await user.click(screen.getByRole('button', { name: 'Oui, supprimer' }));
    expect(await screen.findByText('Accompagnement supprimé.')).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.deleted).toBe(true);
    expect(screen.queryByRole('link', { name: /Compte Ameli/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    await waitFor(async () => expect((await db.accompaniments.get(id))?.deleted).toBe(false));
    expect(await screen.findByRole('link', { name: /Compte Ameli/ })).toBeInTheDocument();
  });
});

describe('permanences', () => {
  it('opens a permanence from a relay tile and closes it', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('link', { name: 'Ouvrir une permanence' }));
    await user.click(await screen.findByRole('radio', { name: /Médiathèque de Mèze/ }));
    await user.click(screen.getByRole('button', { name: 'Ouvrir' }));
    const card = await screen.findByRole('region', { name: 'Permanence en cours' });
    expect(within(card).getByText('Médiathèque de Mèze')).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Clôturer la permanence' }));
    const end = within(card).getByLabelText('Heure de fin');
    await user.clear(end);
    await user.type(end, '23:58');
    await user.click(within(card).getByRole('button', { name: 'Clôturer la permanence' }));
    expect(await screen.findByRole('link', { name: 'Ouvrir une permanence' })).toBeInTheDocument();
    const [p] = await db.permanences.toArray();
    expect(p.data).toMatchObject({ status: 'closed', endTime: '23:58' });
  });

  it('offers to close a permanence forgotten the day before with a sensible end time', async () => {
    const relay = (await db.relays.toArray())[0];
    await act(async () => {
      await openPermanence(relay, '2026-01-05', '09:30');
    });
    const { user } = renderApp();
    const banner = await screen.findByRole('region', { name: 'Permanence restée ouverte' });
    expect(within(banner).getByLabelText('Heure de fin')).toHaveValue('12:30');
    await user.click(within(banner).getByRole('button', { name: 'Clôturer la permanence' }));
    await waitFor(async () => expect((await db.permanences.toArray())[0].data).toMatchObject({ status: 'closed', endTime: '12:30' }));
  });
});
