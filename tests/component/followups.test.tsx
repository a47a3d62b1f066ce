// Follow-ups: « Doit revenir » saves a follow-up with the visit (what from the procedures, the
// permanence's commune and relay), undo removes both; « À suivre » on the home screen lists the
// open permanence commune's ones first and overdue ones (in words), hers only; « Fait » marks one.
import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db, type LocalRecord } from '../../src/db/database';
import { openPermanence } from '../../src/db/permanences';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import { followup } from '../unit/peopleFixtures';
import { freshDatabase, renderApp, screen } from './helpers';

const today = parisDate(new Date());

beforeEach(async () => {
  await freshDatabase();
  await db.meta.put({ key: 'device', value: { deviceId: 'd1', token: 't', role: 'coordinator', name: 'Claire Dupré', label: 'Tablette', enrolledAt: today } });
});

async function openInMeze() {
  const relay = (await db.relays.toArray()).find((r) => r.data.communeInsee === '34157')!;
  await openPermanence(relay, today, '09:00');
  return relay;
}

describe('« Doit revenir »', () => {
  it('proposes a follow-up prefilled from the procedures and the permanence, saved with the visit; undo removes both', async () => {
    const relay = await openInMeze();
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Doit revenir' }));
    const group = screen.getByRole('group', { name: 'À suivre' });
    expect(within(group).getByLabelText('À faire ou vérifier')).toHaveValue('Revenir pour : Carte grise');
    expect(within(group).getByRole('radio', { name: 'Dans 1 semaine' })).toBeChecked();
    await user.type(within(group).getByLabelText(/Pour qui/), 'Monsieur au vélo');
    await user.click(within(group).getByRole('radio', { name: 'Dans 2 semaines' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));

    await screen.findByText('Accompagnement enregistré.');
    const [visit] = await db.accompaniments.toArray();
    const [saved] = await db.followups.toArray();
    expect(saved.data).toEqual({
      beneficiaryId: null,
      label: 'Monsieur au vélo — Revenir pour : Carte grise',
      communeInsee: '34157',
      relayId: relay.id,
      dueOn: addDays(today, 14),
      doneOn: null,
      accompanimentId: visit.id,
    });
    expect((await db.outbox.toArray()).map((o) => o.entity).sort()).toEqual(['accompaniment', 'followup', 'permanence']);
    // It is on the home screen at once, under the permanence's commune.
    expect(await screen.findByRole('list', { name: 'À suivre à Mèze' })).toHaveTextContent('Monsieur au vélo');

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    await screen.findByText('Saisie reprise là où vous l’aviez laissée.');
    expect((await db.followups.toArray()).every((f) => f.deleted)).toBe(true);
  });

  it('says next to the follow-up when what to do is left empty, and saves nothing', async () => {
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Doit revenir' }));
    await user.clear(screen.getByLabelText('À faire ou vérifier'));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(within(screen.getByRole('group', { name: 'À suivre' })).getByText('Dites ce qu’il faudra faire à son retour.')).toHaveClass('field-error');
    expect(await db.accompaniments.count()).toBe(0);
  });

  it('editing the visit shows its follow-up and never adds a second', async () => {
    await openInMeze();
    const { user } = renderApp('#/accompagnement/nouveau');
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Doit revenir' }));
    await user.click(screen.getByRole('radio', { name: '30 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    const [visit] = await db.accompaniments.toArray();

    window.location.hash = `#/accompagnement/${visit.id}`;
    await screen.findByText('Un suivi existe déjà pour cet accompagnement : « Revenir pour : Carte grise ».');
    await user.click(screen.getByRole('radio', { name: '45 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement modifié.');
    expect(await db.followups.count()).toBe(1);
  });
});

describe('« À suivre » on the home screen', () => {
  it('shows the commune’s open follow-ups first and overdue ones elsewhere, hers only; « Fait » marks one done', async () => {
    await openInMeze();
    const here = newId();
    await saveRecord('followup', here, followup({ label: 'Vérifier la réponse de la CAF', communeInsee: '34157', dueOn: addDays(today, 3) }));
    await saveRecord('followup', newId(), followup({ label: 'Rappeler pour le permis', communeInsee: '34301', dueOn: addDays(today, -3) }));
    await saveRecord('followup', newId(), followup({ label: 'Pas encore dû ailleurs', communeInsee: '34301', dueOn: addDays(today, 5) }));
    const now = new Date().toISOString();
    const other = { entity: 'followup', id: newId(), version: 2, rev: 1, deleted: false, createdAt: now, updatedAt: now, createdBy: 'Sophie Martin' };
    await db.followups.put({ ...other, data: followup({ label: 'Celui de Sophie', communeInsee: '34157' }) } as LocalRecord<'followup'>);

    const { user } = renderApp('#/');
    const inMeze = await screen.findByRole('list', { name: 'À suivre à Mèze' });
    expect(within(inMeze).getAllByRole('listitem')).toHaveLength(1);
    expect(inMeze).toHaveTextContent('Vérifier la réponse de la CAF');
    const late = screen.getByRole('list', { name: 'Suivis en retard' });
    expect(late).toHaveTextContent('Rappeler pour le permis');
    expect(late).toHaveTextContent('En retard de 3 jours');
    expect(screen.queryByText('Pas encore dû ailleurs')).not.toBeInTheDocument();
    expect(screen.queryByText('Celui de Sophie')).not.toBeInTheDocument();

    await user.click(within(inMeze).getByRole('button', { name: 'Fait : Vérifier la réponse de la CAF' }));
    await screen.findByText('Suivi marqué fait.');
    expect((await db.followups.get(here))!.data.doneOn).toBe(today);
    expect(await screen.findByText('Rien à suivre à Mèze.')).toBeInTheDocument();
  });
});

describe('a follow-up typed by hand', () => {
  async function oneInMeze() {
    await openInMeze();
    const id = newId();
    await saveRecord('followup', id, followup({ label: 'Vérifier la réponse de la CAF', communeInsee: '34157', dueOn: addDays(today, 3) }));
    // As if synced (the server holds version 1): an edit is a change of its own.
    await db.outbox.clear();
    await db.followups.update(id, { version: 1 });
    return id;
  }

  it('« Modifier » changes what, commune and date, with the error next to the field; the change is queued on the version shown', async () => {
    const id = await oneInMeze();
    const { user } = renderApp('#/');
    await user.click(await screen.findByRole('button', { name: 'Modifier : Vérifier la réponse de la CAF' }));
    const form = screen.getByRole('form', { name: 'Modifier le suivi' });
    const what = within(form).getByLabelText('À faire ou vérifier, et pour qui (quelques mots)');
    expect(what).toHaveValue('Vérifier la réponse de la CAF');
    await user.clear(what);
    await user.click(within(form).getByRole('button', { name: 'Enregistrer le suivi' }));
    expect(await within(form).findByText(/La description/)).toBeInTheDocument();
    expect((await db.followups.get(id))!.data.label).toBe('Vérifier la réponse de la CAF');

    await user.type(what, 'Madame Ortiz — rappeler la CAF');
    await user.selectOptions(within(form).getByLabelText('Commune'), '34301');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer le suivi' }));
    await screen.findByText('Suivi modifié.');
    const saved = (await db.followups.get(id))!;
    expect(saved.data).toMatchObject({ label: 'Madame Ortiz — rappeler la CAF', communeInsee: '34301', dueOn: addDays(today, 3), doneOn: null });
    expect(await db.outbox.toArray()).toMatchObject([{ entity: 'followup', id, baseVersion: 1, deleted: false }]);
    expect(await db.drafts.count()).toBe(0);
  });

  it('a version changed elsewhere while the form was open is asked about, never overwritten', async () => {
    const id = await oneInMeze();
    const { user } = renderApp('#/');
    await user.click(await screen.findByRole('button', { name: 'Modifier : Vérifier la réponse de la CAF' }));
    const form = screen.getByRole('form', { name: 'Modifier le suivi' });
    const what = within(form).getByLabelText('À faire ou vérifier, et pour qui (quelques mots)');
    await user.clear(what);
    await user.type(what, 'Ma version');
    // Another tab (or the pull) changes it meanwhile.
    const stored = (await db.followups.get(id))!;
    await saveRecord('followup', id, { ...stored.data, label: 'Leur version' });
    await user.click(within(form).getByRole('button', { name: 'Enregistrer le suivi' }));

    const question = await screen.findByRole('alertdialog', { name: 'Ce suivi a été modifié ailleurs depuis que vous l’avez ouvert.' });
    expect((await db.followups.get(id))!.data.label).toBe('Leur version');
    await user.click(within(question).getByRole('button', { name: 'Voir la version actuelle' }));
    expect(within(form).getByLabelText('À faire ou vérifier, et pour qui (quelques mots)')).toHaveValue('Leur version');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('« Supprimer » asks first, then deletes it (a tombstone queued); « Annuler » puts it back', async () => {
    const id = await oneInMeze();
    const { user } = renderApp('#/');
    const list = await screen.findByRole('list', { name: 'À suivre à Mèze' });
    await user.click(within(list).getByRole('button', { name: 'Supprimer : Vérifier la réponse de la CAF' }));
    await user.click(within(list).getByRole('button', { name: 'Non, garder' }));
    expect((await db.followups.get(id))!.deleted).toBe(false);

    await user.click(within(list).getByRole('button', { name: 'Supprimer : Vérifier la réponse de la CAF' }));
    await user.click(within(list).getByRole('button', { name: 'Oui, supprimer' }));
    await screen.findByText('Suivi supprimé.');
    expect(await screen.findByText('Rien à suivre à Mèze.')).toBeInTheDocument();
    expect((await db.followups.get(id))!.deleted).toBe(true);
    expect(await db.outbox.toArray()).toMatchObject([{ entity: 'followup', id, baseVersion: 1, deleted: true }]);

    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    await screen.findByText('Suivi rétabli.');
    expect(await screen.findByRole('button', { name: 'Fait : Vérifier la réponse de la CAF' })).toBeInTheDocument();
    expect((await db.followups.get(id))!.deleted).toBe(false);
    // Deleted then restored before any sync: what is sent is the follow-up as it was.
    expect(await db.outbox.toArray()).toMatchObject([{ entity: 'followup', id, baseVersion: 1, deleted: false }]);
  });

  it('a follow-up proposed by a visit is changed from that visit, not here', async () => {
    await openInMeze();
    await saveRecord('followup', newId(), followup({ label: 'Revenir pour : Carte grise', communeInsee: '34157', accompanimentId: newId() }));
    renderApp('#/');
    expect(await screen.findByRole('button', { name: 'Fait : Revenir pour : Carte grise' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Modifier/ })).not.toBeInTheDocument();
  });
});
