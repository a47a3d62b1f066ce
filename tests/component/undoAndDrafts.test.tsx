// "Annuler" after a save puts the entry back where she can see it and nothing typed afterwards
// overwrites it; a new entry never overwrites a saved record (crash, second tab).
import { render, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(freshDatabase);

type Scope = Pick<typeof screen, 'findByRole' | 'getByRole'>;

async function fill(user: UserEvent, scope: Scope, procedure: string, duration: string) {
  await user.click(await scope.findByRole('checkbox', { name: procedure }));
  await user.click(scope.getByRole('radio', { name: 'Fait avec la personne' }));
  await user.click(scope.getByRole('radio', { name: 'Terminé' }));
  await user.click(scope.getByRole('radio', { name: duration }));
}

const live = async () => (await db.accompaniments.toArray()).filter((a) => !a.deleted);

describe('undo after "Enregistrer et nouveau"', () => {
  it('puts the entry back into the form on screen, where the next keystrokes edit it (not a new one)', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await fill(user, screen, 'Carte grise', '45 min');
    await user.click(screen.getByRole('button', { name: 'Enregistrer et nouveau' }));
    await screen.findByText('Accompagnement enregistré.');
    const [saved] = await live();

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByText(/l’accompagnement est revenu dans le formulaire. Corrigez-le/)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '45 min' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Fait avec la personne' })).toBeChecked();
    expect(await live()).toHaveLength(0);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.drafts.get('accompaniment:new'))?.value).toMatchObject({ id: saved.id, state: { duration: 45 } });

    // Typing goes on in that entry: the draft keeps it, and saving makes it one record again.
    await user.click(screen.getByRole('radio', { name: '1 h' }));
    await waitFor(async () => expect((await db.drafts.get('accompaniment:new'))?.value).toMatchObject({ id: saved.id, state: { duration: 60 } }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByRole('heading', { name: /^Aujourd’hui/ });
    expect((await live()).map((a) => a.data.durationMinutes)).toEqual([60]);
  });

  it('sets aside what was typed for the next person, says so, and brings it back after the entry is saved', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await fill(user, screen, 'Carte grise', '45 min');
    await user.click(screen.getByRole('button', { name: 'Enregistrer et nouveau' }));
    await screen.findByText('Accompagnement enregistré.');
    // The next person: the kept procedure, and a posture chosen (the undo comes right after it).
    await user.click(screen.getByRole('radio', { name: 'La personne a fait seule' }));
    await user.click(screen.getByRole('button', { name: 'Annuler' }));

    expect(await screen.findByText(/Ce que vous aviez commencé pour la personne suivante est mis de côté/)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Fait avec la personne' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '45 min' })).toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Enregistrer et nouveau' }));
    expect(await screen.findByText('Voici la saisie que vous aviez commencée pour la personne suivante.')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'La personne a fait seule' })).toBeChecked();
    expect(screen.getByRole('radio', { name: '45 min' })).not.toBeChecked();
    expect((await live()).map((a) => a.data.durationMinutes)).toEqual([45]);
    expect((await db.drafts.get('accompaniment:new'))?.value).toMatchObject({ state: { posture: 'laisse_faire' } });
  });

  it('undoes a plain "Enregistrer" from today’s screen: the form opens again with the entry, kept across a reload', async () => {
    const first = renderApp('#/accompagnement/nouveau');
    await fill(first.user, screen, 'Carte grise', '45 min');
    await first.user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByRole('heading', { name: /^Aujourd’hui/ });
    await first.user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByRole('heading', { name: 'Nouvel accompagnement' })).toBeInTheDocument();
    expect(await screen.findByRole('radio', { name: '45 min' })).toBeChecked();
    first.unmount();

    renderApp('#/accompagnement/nouveau');
    expect(await screen.findByRole('radio', { name: '45 min' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Carte grise' })).toBeChecked();
  });
});

describe('undo of an edit', () => {
  it('restores the previous data, unless the record changed again since', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
    const { user } = renderApp(`#/accompagnement/${id}`);
    await user.click(await screen.findByRole('radio', { name: '1 h' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await user.click(await screen.findByRole('button', { name: 'Annuler' }));
    expect(await screen.findByText('Modification annulée.')).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(30);

    await user.click(await screen.findByRole('link', { name: /Compte Ameli/ }));
    await user.click(await screen.findByRole('radio', { name: '1 h' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement modifié.');
    const saved = (await db.accompaniments.get(id))!;
    await db.accompaniments.put({ ...saved, version: 4, rev: (saved.rev ?? 0) + 1, data: { ...saved.data, durationMinutes: 90 } }); // a pull
    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByText(/Impossible d’annuler : cet accompagnement a été modifié entre-temps/)).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(90);
  });
});

describe('a new entry never overwrites a saved one', () => {
  it('gives a fresh id to a kept draft whose id is already a record (a crash between save and draft clear)', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment({ date: parisDate(new Date()), permanenceId: null, placeType: 'agency', communeInsee: '34301' }));
    const { stateFromData } = await import('../../src/features/accompaniment/formModel');
    const state = stateFromData(
      accompaniment({ date: parisDate(new Date()), permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 15 }),
      [15, 30],
    );
    await db.drafts.put({ key: 'accompaniment:new', value: { id, state }, savedAt: new Date().toISOString() });

    const { user } = renderApp('#/accompagnement/nouveau');
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(30);
    expect((await live()).map((a) => a.data.durationMinutes).sort()).toEqual([15, 30]);
  });

  it('keeps both entries when two tabs resumed the same new draft', async () => {
    const userA = userEvent.setup();
    window.location.hash = '#/accompagnement/nouveau';
    const tabA = within(render(<App />).container);
    await fill(userA, tabA, 'Carte grise', '15 min');
    // The draft holds the last choice (drafts are written as she types, each sealed at rest).
    await waitFor(async () => expect((await db.drafts.get('accompaniment:new'))?.value).toMatchObject({ state: { duration: 15 } }));

    const userB = userEvent.setup();
    const tabB = within(render(<App />).container);
    await tabB.findByText('Saisie reprise là où vous l’aviez laissée.');
    expect(tabB.getByRole('radio', { name: '15 min' })).toBeChecked();

    await userA.click(tabA.getByRole('button', { name: 'Enregistrer et nouveau' }));
    await waitFor(async () => expect(await live()).toHaveLength(1));
    await userB.click(tabB.getByRole('radio', { name: '1 h' }));
    await userB.click(tabB.getByRole('button', { name: 'Enregistrer et nouveau' }));
    await waitFor(async () => expect(await live()).toHaveLength(2));
    expect((await live()).map((a) => a.data.durationMinutes).sort()).toEqual([15, 60]);
  });
});
