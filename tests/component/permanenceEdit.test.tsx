// Historique: a past permanence is modified (relay, date, times, note) through the write path, on
// the version the form showed; errors sit next to their field; a version changed elsewhere is
// asked about; "Annuler" in the toast puts the previous data back. Its visits are left as they are.
import { waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { parisDate } from '../../src/domain/dates';
import { newId, saveRecord } from '../../src/db/writes';
import { accompaniment, permanence, RELAY_MEZE } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(freshDatabase);

const STALE = 'Cette permanence a été modifiée ailleurs depuis que vous l’avez ouverte.';
const MARSEILLAN = /^Mairie de Marseillan/;

/** A closed permanence of this morning at Mèze, synced (version 1 on the server, nothing queued). */
async function syncedPermanence() {
  const id = newId();
  const date = parisDate(new Date());
  await saveRecord('permanence', id, permanence({ relayId: RELAY_MEZE, communeInsee: '34157', date, startTime: '09:00', endTime: '12:00', status: 'closed' }));
  await db.permanences.update(id, { version: 1 });
  await db.outbox.clear();
  return id;
}

describe('modifying a permanence from Historique', () => {
  it('saves the edit as an edit of the version shown; the commune follows the relay; visits are left as they are', async () => {
    const id = await syncedPermanence();
    const visit = newId();
    await saveRecord('accompaniment', visit, accompaniment({ permanenceId: id, communeInsee: '34157', date: (await db.permanences.get(id))!.data.date }));
    await db.outbox.clear();
    const { user } = renderApp('#/historique');
    await user.click(await screen.findByRole('link', { name: 'Modifier' }));

    expect(await screen.findByRole('heading', { name: 'Modifier la permanence' })).toBeInTheDocument();
    await user.click(await screen.findByRole('radio', { name: MARSEILLAN }));
    expect(screen.getByText(/Son accompagnement reste dans cette permanence et garde sa propre commune/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Heure de fin'));
    await user.type(screen.getByLabelText('Heure de fin'), '12:30');
    await user.type(screen.getByLabelText('Note (facultative)'), 'Salle changée');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    expect(await screen.findByText('Permanence modifiée.')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Historique' })).toBeInTheDocument();
    const data = { relayId: '00000000-0000-4000-8000-000000000102', communeInsee: '34150', endTime: '12:30', note: 'Salle changée', status: 'closed' };
    expect((await db.permanences.get(id))?.data).toMatchObject(data);
    expect(await db.outbox.toArray()).toMatchObject([{ entity: 'permanence', id, baseVersion: 1, data }]);
    expect((await db.accompaniments.get(visit))?.data).toMatchObject({ permanenceId: id, communeInsee: '34157' });
    expect(await db.drafts.count()).toBe(0);
  });

  it('puts the end-before-start error next to the end time, focuses it, and saves nothing', async () => {
    const id = await syncedPermanence();
    const { user } = renderApp(`#/permanences/${id}`);
    const end = await screen.findByLabelText('Heure de fin');
    await user.clear(end);
    await user.type(end, '08:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    expect(await screen.findByText('L’heure de fin doit suivre l’heure de début.')).toBeInTheDocument();
    expect(end).toHaveAccessibleDescription('L’heure de fin doit suivre l’heure de début.');
    expect(end).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(end).toHaveFocus());
    expect((await db.permanences.get(id))?.data.endTime).toBe('12:00');
    expect(await db.outbox.count()).toBe(0);
  });

  it('asks when the permanence changed elsewhere: "Enregistrer ma version" keeps the version she saw', async () => {
    const id = await syncedPermanence();
    const { user } = renderApp(`#/permanences/${id}`);
    await user.type(await screen.findByLabelText('Note (facultative)'), 'Ma note');
    const current = (await db.permanences.get(id))!;
    await db.permanences.put({ ...current, version: 2, rev: (current.rev ?? 0) + 1, data: { ...current.data, startTime: '09:30' } });
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    const question = await screen.findByRole('alertdialog', { name: STALE });
    await waitFor(() => expect(within(question).getByText(STALE)).toHaveFocus());
    expect(await db.outbox.count()).toBe(0);
    await user.click(within(question).getByRole('button', { name: 'Enregistrer ma version' }));
    expect(await screen.findByText('Permanence modifiée.')).toBeInTheDocument();
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 1, data: { note: 'Ma note', startTime: '09:00' } }]);
  });

  it('"Voir la version actuelle" shows the stored version, and an edit of it saves without a question', async () => {
    const id = await syncedPermanence();
    const { user } = renderApp(`#/permanences/${id}`);
    await user.type(await screen.findByLabelText('Note (facultative)'), 'Ma note');
    const current = (await db.permanences.get(id))!;
    await db.permanences.put({ ...current, version: 2, rev: (current.rev ?? 0) + 1, data: { ...current.data, startTime: '09:30' } });
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await user.click(within(await screen.findByRole('alertdialog', { name: STALE })).getByRole('button', { name: 'Voir la version actuelle' }));

    expect(await screen.findByText('Voici la version actuelle de cette permanence.')).toBeInTheDocument();
    expect(screen.getByLabelText('Heure de début')).toHaveValue('09:30');
    expect(screen.getByLabelText('Note (facultative)')).toHaveValue('');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Permanence modifiée.');
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 2, data: { startTime: '09:30' } }]);
  });

  it('"Annuler" in the toast restores the previous data through the write path', async () => {
    const id = await syncedPermanence();
    const before = (await db.permanences.get(id))!.data;
    const { user } = renderApp(`#/permanences/${id}`);
    const start = await screen.findByLabelText('Heure de début');
    await user.clear(start);
    await user.type(start, '10:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Permanence modifiée.');
    expect((await db.permanences.get(id))?.data.startTime).toBe('10:00');

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByText('Modification annulée.')).toBeInTheDocument();
    expect((await db.permanences.get(id))?.data).toEqual(before);
    const ops = await db.outbox.toArray();
    expect(ops.at(-1)).toMatchObject({ id, data: before });
  });
});
