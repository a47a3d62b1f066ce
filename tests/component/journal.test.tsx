// « Journal » in Réglages (coordinator): the audit log in French, Paris time, page by page; offline
// it says the network is needed.
import { within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { saveCredentials } from '../../src/sync/credentials';
import { freshDatabase, renderApp, screen } from './helpers';

beforeEach(async () => {
  await freshDatabase();
  vi.restoreAllMocks();
  await saveCredentials(db, { deviceId: 'd', token: 't', role: 'coordinator', name: 'Claire', label: 'Bureau', enrolledAt: new Date().toISOString() });
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const entry = (id: number, over: object) => ({
  id,
  at: '2026-11-30T09:05:00.000Z',
  actorId: 'u',
  actorName: 'Claire',
  entity: null,
  recordId: null,
  counts: null,
  ...over,
});

describe('the Journal screen', () => {
  it('lists the audit log newest first in French, and loads older entries on demand', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    const pages = [
      {
        from: '2025-11-30',
        to: '2026-11-30',
        hasMore: true,
        next: '3',
        entries: [
          entry(4, { action: 'erase', entity: 'beneficiary', recordId: '3f6c1a2b-0000-4000-8000-000000000001', counts: { people: 1, mandates: 2 } }),
          entry(3, { action: 'retention', actorName: 'Conservation automatique', counts: { people: 0 } }),
        ],
      },
      { from: '2025-11-30', to: '2026-11-30', hasMore: false, entries: [entry(2, { action: 'export', entity: 'tallies.xlsx' })] },
    ];
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      const url = String(input);
      if (url.includes('/api/v1/audit')) return json(url.includes('before=3') ? pages[1] : pages[0]);
      return json({ devices: [] });
    });
    const { user } = renderApp('#/reglages');
    await user.click(await screen.findByRole('link', { name: 'Ouvrir le journal' }));
    const list = await screen.findByRole('list', { name: 'Entrées du journal' });
    const items = await within(list).findAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Effacement d’une personne — personne — n° 3f6c1a2b');
    expect(items[0]).toHaveTextContent('30/11/2026 10:05:00 — par Claire');
    expect(items[0]).toHaveTextContent('1 personne, 2 mandats');
    expect(items[1]).toHaveTextContent('Conservation : anonymisation automatique');
    await user.click(screen.getByRole('button', { name: 'Voir les entrées plus anciennes' }));
    expect(await within(list).findByText('Export — bilan (Excel)')).toBeInTheDocument();
    expect(fetchSpy.mock.calls.map(([url]) => String(url)).filter((u) => u.includes('/api/v1/audit'))).toEqual([
      expect.stringMatching(/\/api\/v1\/audit\?$/),
      expect.stringMatching(/\/api\/v1\/audit\?before=3$/),
    ]);
    expect(screen.queryByRole('button', { name: 'Voir les entrées plus anciennes' })).not.toBeInTheDocument();
  });

  it('offline, says the journal is read on the server', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    renderApp('#/reglages/journal');
    expect(await screen.findByRole('alert')).toHaveTextContent('Pas de réseau : le journal se lit sur le serveur');
  });
});
