// « Tablette bloquée » with changes waiting and an escrow copy: the screen says what was kept and
// asks for the coordinator's code and a new lock code; another person's code is refused in the
// field and changes nothing; the owner's code opens the app and what waited reaches the server.
// A real server over real HTTP: the page's own origin is routed to it.
import { render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { newDataKey } from '../../src/crypto/cipher';
import { loadEscrowCopy } from '../../src/crypto/escrow';
import { setDataKey } from '../../src/crypto/keySession';
import { loadVault } from '../../src/crypto/keys';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { LockGate } from '../../src/features/lock/LockGate';
import { lockNow, setFirstCode, useLock } from '../../src/platform/lock';
import { ATTEMPTS_KEY, loadAttempts } from '../../src/platform/lockAttempts';
import { syncNow } from '../../src/platform/syncRuntime';
import { enrolThisTablet } from '../../src/sync/enrolment';
import { adminCall, serverAccompaniments, startServer, type Server } from '../sync/harness';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, screen } from './helpers';

let server: Server;
const realFetch = globalThis.fetch;
beforeAll(async () => {
  server = await startServer();
  const origin = window.location.origin;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    realFetch(typeof input === 'string' && input.startsWith(origin) ? server.base + input.slice(origin.length) : input, init)) as typeof fetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await server.close();
});
beforeEach(async () => {
  await freshDatabase();
  setDataKey(null);
  useLock.setState({ ready: false, opening: false, notice: null });
});
afterEach(async () => {
  setDataKey(await newDataKey());
});

const codeFor = async (name: string) => ((await adminCall(server.base, 'POST', '/api/v1/enrolments', { role: 'mediator', name })) as { code: string }).code;

describe('a blocked tablet with an escrow copy', () => {
  it('is recovered with a code for the same person, not another’s, and sends what waited', async () => {
    await setFirstCode('482913', db);
    await enrolThisTablet(db, { baseUrl: server.base, code: await codeFor('Anne'), label: 'Tablette Mèze' });
    expect(await loadEscrowCopy(db)).toBeDefined();
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
    await lockNow();
    await db.meta.put({ key: ATTEMPTS_KEY, value: { failures: 9, lastFailureAt: '2026-01-01T00:00:00.000Z', blocked: false } });

    window.location.hash = '#/';
    const user = userEvent.setup();
    render(<LockGate>{<App />}</LockGate>);
    await user.type(await screen.findByLabelText('Code de verrouillage'), '999999');
    await user.click(screen.getByRole('button', { name: 'Déverrouiller' }));
    expect(await screen.findByRole('heading', { name: 'Tablette bloquée' }, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByText(/sauf 1 modification qui attend d’être envoyée/)).toBeInTheDocument();
    expect(screen.getByText(/un code d’inscription au nom de Anne/)).toBeInTheDocument();
    expect(await loadVault(db)).toBeUndefined();

    // Fields are checked first, each named.
    await user.click(screen.getByRole('button', { name: 'Récupérer la tablette' }));
    expect(await screen.findByText('Tapez le code donné par la coordination.')).toBeInTheDocument();
    expect(screen.getByLabelText('Code d’inscription de la coordination')).toHaveFocus();

    // Another person's code: refused in its field; the tablet stays blocked with its change.
    await user.type(screen.getByLabelText('Code d’inscription de la coordination'), await codeFor('Bob'));
    await user.type(screen.getByLabelText('Nouveau code de verrouillage'), '135790');
    await user.type(screen.getByLabelText('Retapez le nouveau code'), '135790');
    await user.click(screen.getByRole('button', { name: 'Récupérer la tablette' }));
    expect(await screen.findByText(/Ce code est au nom d’une autre personne/, {}, { timeout: 10_000 })).toBeInTheDocument();
    expect((await loadAttempts(db)).blocked).toBe(true);
    expect(await db.outbox.count()).toBe(1);

    // Anne's code: the app opens under the new code and the change is sent.
    const field = screen.getByLabelText('Code d’inscription de la coordination');
    await user.clear(field);
    await user.type(field, await codeFor('Anne'));
    await user.click(screen.getByRole('button', { name: 'Récupérer la tablette' }));
    expect(await screen.findByRole('navigation', { name: 'Navigation principale' }, { timeout: 10_000 })).toBeInTheDocument();
    await syncNow();
    await waitFor(async () => expect((await serverAccompaniments(server)).has(id)).toBe(true), { timeout: 10_000 });
    expect(await db.outbox.count()).toBe(0);
  });
});
