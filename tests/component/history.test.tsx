import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentDataKey, setDataKey } from '../../src/crypto/keySession';
import { newId, saveRecord } from '../../src/db/writes';
import { lockNow } from '../../src/platform/lock';
import { forgetPersonalScreenState } from '../../src/features/common/useScreenState';
import { addDays, isoWeekOf, parisDate } from '../../src/domain/dates';
import { weekLabel } from '../../src/domain/format';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(async () => {
  sessionStorage.clear();
  forgetPersonalScreenState();
  await freshDatabase();
});

const today = parisDate(new Date());
const lastWeek = addDays(today, -7);

async function seed() {
  await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: today }));
  await saveRecord(
    'accompaniment',
    newId(),
    accompaniment({
      permanenceId: null,
      placeType: 'home',
      communeInsee: '34143',
      date: lastWeek,
      procedures: [{ code: 'carte_grise', domain: 'transports', partner: 'interieur' }],
    }),
  );
}

describe('Historique', () => {
  it('shows entries week by week, and finds them across weeks by typing', async () => {
    await seed();
    const { user } = renderApp('#/historique');
    expect(await screen.findByRole('heading', { name: weekLabel(isoWeekOf(today)) })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: /Compte Ameli/ })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Carte grise/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Semaine précédente' }));
    expect(await screen.findByRole('link', { name: /Carte grise/ })).toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Rechercher dans tout l’historique' }), 'loupian');
    const results = await screen.findByText('1 résultat');
    expect(results).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Carte grise/ })).toBeInTheDocument();
  });

  it('is found again as it was after leaving it', async () => {
    await seed();
    const { user } = renderApp('#/historique');
    await user.click(await screen.findByRole('button', { name: 'Semaine précédente' }));
    await screen.findByRole('heading', { name: weekLabel(isoWeekOf(lastWeek)) });
    await user.click(screen.getByRole('link', { name: 'Aujourd’hui' }));
    await screen.findByRole('link', { name: 'Nouvel accompagnement' });
    await user.click(screen.getByRole('link', { name: 'Historique' }));
    const heading = await screen.findByRole('heading', { name: weekLabel(isoWeekOf(lastWeek)) });
    expect(within(heading.parentElement!).getByRole('button', { name: 'Semaine suivante' })).toBeEnabled();
  });

  it('keeps the search (it may be a name) in memory only: found again after leaving, never in sessionStorage, forgotten on lock', async () => {
    await seed();
    const key = currentDataKey();
    const { user, unmount } = renderApp('#/historique');
    const search = () => screen.findByRole('searchbox', { name: 'Rechercher dans tout l’historique' });
    await user.type(await search(), 'loupian');
    await user.click(screen.getByRole('link', { name: 'Aujourd’hui' }));
    await screen.findByRole('link', { name: 'Nouvel accompagnement' });
    await user.click(screen.getByRole('link', { name: 'Historique' }));
    expect(await search()).toHaveValue('loupian');
    const stored = Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`);
    expect(stored.join('\n')).not.toMatch(/loupian/);

    unmount();
    await lockNow(false);
    setDataKey(key);
    renderApp('#/historique');
    expect(await search()).toHaveValue('');
  });
});
