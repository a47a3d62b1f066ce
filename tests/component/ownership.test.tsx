// A coordinator's tablet pulls everyone's records: her "today", her open permanence, what she is
// offered to close and what her form links to are hers only; Historique shows everyone's, named.
import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { db, type LocalRecord } from '../../src/db/database';
import { newId } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import { accompaniment, permanence, RELAY_MEZE } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

const today = parisDate(new Date());

beforeEach(async () => {
  sessionStorage.clear();
  await freshDatabase();
  // Enrolled as the coordinator Claire (the name as the server spells it).
  await db.meta.put({ key: 'device', value: { deviceId: 'd1', token: 't', role: 'coordinator', name: 'Claire Dupré', label: 'Tablette', enrolledAt: today } });
});

/** A record as a pull installs it: created by someone, with a server version. */
async function pulled<E extends 'permanence' | 'accompaniment'>(entity: E, data: LocalRecord<E>['data'], createdBy: string) {
  const now = new Date().toISOString();
  const row = { entity, id: newId(), version: 3, rev: 1, deleted: false, data, createdAt: now, updatedAt: now, createdBy } as LocalRecord<E>;
  await db.tableOf(entity).put(row);
  return row;
}

describe('a coordinator’s tablet holding other mediators’ records', () => {
  it('does not take another mediator’s open permanence for hers, nor her entries', async () => {
    await pulled('permanence', permanence({ date: today, relayId: RELAY_MEZE }), 'Sophie Martin');
    await pulled('permanence', permanence({ date: addDays(today, -2) }), 'Sophie Martin'); // forgotten, but not hers
    await pulled('accompaniment', accompaniment({ date: today, permanenceId: null, placeType: 'agency', communeInsee: '34301' }), 'Sophie Martin');

    const { user } = renderApp();
    expect(await screen.findByRole('link', { name: 'Ouvrir une permanence' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Permanence en cours' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Permanence restée ouverte' })).not.toBeInTheDocument();
    expect(await screen.findByText('Aucun accompagnement aujourd’hui.')).toBeInTheDocument();

    // Her own permanence can be opened (Sophie's does not block it), and her entry links to it.
    await user.click(screen.getByRole('link', { name: 'Ouvrir une permanence' }));
    await user.click(await screen.findByRole('radio', { name: /Centre social de Poussan/ }));
    await user.click(screen.getByRole('button', { name: 'Ouvrir' }));
    const card = await screen.findByRole('region', { name: 'Permanence en cours' });
    expect(within(card).getByText('Centre social de Poussan')).toBeInTheDocument();
    const mine = (await db.permanences.toArray()).find((p) => p.createdBy === undefined)!;

    await user.click(screen.getByRole('link', { name: 'Nouvel accompagnement' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Carte grise' }));
    await user.click(screen.getByRole('radio', { name: 'Fait avec la personne' }));
    await user.click(screen.getByRole('radio', { name: 'Terminé' }));
    await user.click(screen.getByRole('radio', { name: '15 min' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    await screen.findByText('Accompagnement enregistré.');
    const saved = (await db.accompaniments.toArray()).find((a) => a.createdBy === undefined)!;
    expect(saved.data.permanenceId).toBe(mine.id);

    // Closing closes hers; Sophie's stays open.
    await user.click(within(await screen.findByRole('region', { name: 'Permanence en cours' })).getByRole('button', { name: 'Clôturer la permanence' }));
    await user.click(within(screen.getByRole('region', { name: 'Permanence en cours' })).getByRole('button', { name: 'Clôturer la permanence' }));
    await screen.findByRole('link', { name: 'Ouvrir une permanence' });
    const sophies = (await db.permanences.toArray()).filter((p) => p.createdBy === 'Sophie Martin');
    expect(sophies.map((p) => p.data.status)).toEqual(['open', 'open']);
    expect((await db.permanences.get(mine.id))?.data.status).toBe('closed');
  });

  it('recognises her own pulled records whatever the case, spacing or accent encoding of her name', async () => {
    // "Claire Dupré" with a decomposed é, other case and spaces around it.
    await pulled('permanence', permanence({ date: today, relayId: RELAY_MEZE }), '  claire DUPRE\u0301 ');
    renderApp();
    const card = await screen.findByRole('region', { name: 'Permanence en cours' });
    expect(within(card).getByText('Médiathèque de Mèze')).toBeInTheDocument();
  });

  it('shows everyone’s entries in Historique, saying whose each one is', async () => {
    await pulled('accompaniment', accompaniment({ date: today, permanenceId: null, placeType: 'agency', communeInsee: '34301' }), 'Sophie Martin');
    await pulled(
      'accompaniment',
      accompaniment({
        date: today,
        permanenceId: null,
        placeType: 'agency',
        communeInsee: '34301',
        procedures: [{ code: 'carte_grise', domain: 'transports', partner: 'interieur' }],
      }),
      'Claire Dupré',
    );
    renderApp('#/historique');
    const sophie = await screen.findByRole('link', { name: /Compte Ameli/ });
    expect(sophie).toHaveTextContent('saisi par Sophie Martin');
    expect(await screen.findByRole('link', { name: /Carte grise/ })).not.toHaveTextContent('saisi par');
  });
});
