// An edit is made on a version: a newer one landing meanwhile (a pull, another tab) is never
// overwritten silently. She is asked, in plain words, and chooses.
import { waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(freshDatabase);

const STALE = 'Cet accompagnement a été modifié ailleurs depuis que vous l’avez ouvert.';

/** A synced accompaniment (version 1 on the server, nothing queued), 30 min. */
async function syncedEntry() {
  const id = newId();
  await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
  await db.accompaniments.update(id, { version: 1 });
  await db.outbox.clear();
  return id;
}

/** A pull installing version 2 of the record (changed on another tablet: 1 h 30, a note). */
async function pullNewerVersion(id: string) {
  const current = (await db.accompaniments.get(id))!;
  await db.accompaniments.put({ ...current, version: 2, rev: (current.rev ?? 0) + 1, data: { ...current.data, durationMinutes: 90, note: 'Vu par Sophie' } });
}

describe('an edit made on a version that changed meanwhile', () => {
  it('asks before saving over a version pulled while the form was open, and never overwrites it unasked', async () => {
    const id = await syncedEntry();
    const { user } = renderApp(`#/accompagnement/${id}`);
    await user.click(await screen.findByRole('radio', { name: '1 h' }));
    await pullNewerVersion(id);
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    const question = await screen.findByRole('alertdialog', { name: STALE });
    await waitFor(() => expect(within(question).getByText(STALE)).toHaveFocus());
    expect((await db.accompaniments.get(id))?.data).toMatchObject({ durationMinutes: 90, note: 'Vu par Sophie' });
    expect(await db.outbox.count()).toBe(0);

    // "Enregistrer ma version": saved, and sent as an edit of version 1, so the server answers conflict.
    await user.click(within(question).getByRole('button', { name: 'Enregistrer ma version' }));
    expect(await screen.findByText('Accompagnement modifié.')).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(60);
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 1, data: { durationMinutes: 60 } }]);
    expect(await db.drafts.count()).toBe(0);
  });

  it('shows the current version instead, once she confirms that her typing will be lost', async () => {
    const id = await syncedEntry();
    const { user } = renderApp(`#/accompagnement/${id}`);
    await user.click(await screen.findByRole('radio', { name: '1 h' }));
    await pullNewerVersion(id);
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await user.click(within(await screen.findByRole('alertdialog', { name: STALE })).getByRole('button', { name: 'Voir la version actuelle' }));

    const confirm = screen.getByRole('alertdialog', { name: 'Remplacer votre saisie par la version actuelle ?' });
    await user.click(within(confirm).getByRole('button', { name: 'Non, garder ma saisie' }));
    expect(screen.getByRole('radio', { name: '1 h' })).toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await user.click(within(await screen.findByRole('alertdialog', { name: STALE })).getByRole('button', { name: 'Voir la version actuelle' }));
    await user.click(screen.getByRole('button', { name: 'Oui, voir la version actuelle' }));
    expect(await screen.findByText('Voici la version actuelle de cet accompagnement.')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '1 h 30' })).toBeChecked();
    expect(await db.outbox.count()).toBe(0);
    await waitFor(async () => expect(await db.drafts.count()).toBe(0));

    // Now an edit of version 2: it saves without a question.
    await user.click(screen.getByRole('radio', { name: '45 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement modifié.');
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 2, data: { durationMinutes: 45, note: 'Vu par Sophie' } }]);
  });

  it('keeps the version in the draft: an edit resumed after a reload still knows what it was made on', async () => {
    const id = await syncedEntry();
    const first = renderApp(`#/accompagnement/${id}`);
    await first.user.click(await screen.findByRole('radio', { name: '1 h' }));
    await waitFor(async () => expect((await db.drafts.get(`accompaniment:${id}`))?.value).toMatchObject({ base: { version: 1, rev: 1 } }));
    first.unmount();
    await pullNewerVersion(id);

    const { user } = renderApp(`#/accompagnement/${id}`);
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    expect(screen.getByRole('radio', { name: '1 h' })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByRole('alertdialog', { name: STALE })).toBeInTheDocument();
    expect((await db.accompaniments.get(id))?.data.durationMinutes).toBe(90);
  });

  it('treats an edit draft saved before versions were kept as stale if the record changed after it', async () => {
    const id = await syncedEntry();
    const record = (await db.accompaniments.get(id))!;
    const state = { durationMinutes: 60 };
    // A draft as the previous release wrote it ({id, state}, no base), older than the record's last change.
    const legacy = await legacyDraft(id, state.durationMinutes);
    await db.drafts.put({ key: `accompaniment:${id}`, value: legacy, savedAt: new Date(Date.parse(record.updatedAt) - 60_000).toISOString() });
    const { user } = renderApp(`#/accompagnement/${id}`);
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    const question = await screen.findByRole('alertdialog', { name: STALE });
    await user.click(within(question).getByRole('button', { name: 'Enregistrer ma version' }));
    await screen.findByText('Accompagnement modifié.');
    // The version it was made on is unknown: sent as made on none, the server answers conflict.
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 0, data: { durationMinutes: 60 } }]);
  });

  it('saves a legacy edit draft newer than the record as an edit of the stored version', async () => {
    const id = await syncedEntry();
    await db.drafts.put({ key: `accompaniment:${id}`, value: await legacyDraft(id, 60), savedAt: new Date(Date.now() + 60_000).toISOString() });
    const { user } = renderApp(`#/accompagnement/${id}`);
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement modifié.');
    expect(await db.outbox.toArray()).toMatchObject([{ id, baseVersion: 1, data: { durationMinutes: 60 } }]);
  });

  it('lets her abandon a resumed edit draft, back to the stored version', async () => {
    const id = await syncedEntry();
    const first = renderApp(`#/accompagnement/${id}`);
    await first.user.click(await screen.findByRole('radio', { name: '1 h' }));
    await waitFor(async () => expect(await db.drafts.count()).toBe(1));
    first.unmount();

    const { user } = renderApp(`#/accompagnement/${id}`);
    await user.click(await screen.findByRole('button', { name: 'Abandonner mes modifications' }));
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Abandonner vos modifications ?' })).getByRole('button', { name: 'Oui, abandonner mes modifications' }),
    );
    await screen.findByText('Voici la version actuelle de cet accompagnement.');
    expect(screen.getByRole('radio', { name: '30 min' })).toBeChecked();
    expect(await db.drafts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

/** The form state of the stored record with another duration, as the old form kept it. */
async function legacyDraft(id: string, durationMinutes: number) {
  const { stateFromData } = await import('../../src/features/accompaniment/formModel');
  const record = (await db.accompaniments.get(id))!;
  return { id, state: stateFromData({ ...record.data, durationMinutes }, [15, 30, 45, 60, 90]) };
}
