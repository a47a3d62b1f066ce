// Historique: a permanence is deleted with a confirmation and "Annuler" brings it back; one that
// still holds visits is not deleted (they would lose their place).
import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { openPermanence } from '../../src/db/permanences';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(freshDatabase);

async function permanenceToday() {
  const relay = (await db.relays.toArray()).find((r) => r.data.communeInsee === '34157')!;
  return openPermanence(relay, parisDate(new Date()), '09:00');
}

describe('permanences in Historique', () => {
  it('deletes one after confirming, and "Annuler" restores it', async () => {
    const p = await permanenceToday();
    const { user } = renderApp('#/historique');
    await user.click(await screen.findByRole('button', { name: 'Supprimer' }));
    const question = screen.getByRole('alertdialog', { name: 'Supprimer cette permanence ?' });
    await user.click(within(question).getByRole('button', { name: 'Oui, supprimer' }));
    expect(await screen.findByText('Permanence supprimée.')).toBeInTheDocument();
    expect((await db.permanences.get(p.id))?.deleted).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Annuler' }));
    expect(await screen.findByText('Permanence rétablie.')).toBeInTheDocument();
    expect((await db.permanences.get(p.id))?.deleted).toBe(false);
  });

  it('does not delete one that still holds visits, and says why', async () => {
    const p = await permanenceToday();
    await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: p.id, date: parisDate(new Date()) }));
    const { user } = renderApp('#/historique');
    await user.click(await screen.findByRole('button', { name: 'Supprimer' }));
    expect(await screen.findByRole('alertdialog', { name: /compte 1 accompagnement : supprimez-les/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Oui, supprimer' })).not.toBeInTheDocument();
    expect((await db.permanences.get(p.id))?.deleted).toBe(false);
  });
});
