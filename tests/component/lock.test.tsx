// The lock as the mediator meets it: the first code typed twice, « Déverrouiller » with its
// messages, wrong codes that slow down (and stay counted across a reload), the tenth one that wipes
// the tablet only when nothing waits to be sent, the auto-lock, and « Verrouiller » with a form
// open: what was typed just before is there again after unlocking.
import { act, render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app/App';
import { newDataKey } from '../../src/crypto/cipher';
import { currentDataKey, isUnlocked, onLockChange, setDataKey } from '../../src/crypto/keySession';
import { createVault, loadVault } from '../../src/crypto/keys';
import { db } from '../../src/db/database';
import { loadDraft } from '../../src/db/drafts';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { LockGate } from '../../src/features/lock/LockGate';
import { saveLockDelay } from '../../src/features/lock/autoLock';
import { lockNow, setFirstCode, useLock } from '../../src/platform/lock';
import { ATTEMPTS_KEY, loadAttempts } from '../../src/platform/lockAttempts';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, screen } from './helpers';

const CODE = '482913';

beforeEach(async () => {
  await freshDatabase();
  setDataKey(null);
  useLock.setState({ ready: false, opening: false, notice: null });
});

afterEach(async () => {
  vi.useRealTimers();
  // Other test files expect an unlocked tablet.
  setDataKey(await newDataKey());
});

function renderLocked(hash = '#/') {
  window.location.hash = hash;
  const user = userEvent.setup();
  return { user, ...render(<LockGate>{<App />}</LockGate>) };
}

/** A tablet with a code and a record; locked. `waiting`: its change is still queued. */
async function lockedTablet({ waiting }: { waiting: boolean }) {
  setDataKey(await createVault(db, CODE));
  await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
  if (!waiting) await db.outbox.clear();
  setDataKey(null);
}

async function typeCode(user: ReturnType<typeof userEvent.setup>, code: string) {
  // The previous try is checked (PBKDF2) before the next one can be typed.
  await waitFor(() => expect(screen.getByRole('button', { name: 'Déverrouiller' })).toBeEnabled(), { timeout: 10_000 });
  const field = screen.getByLabelText('Code de verrouillage');
  await user.clear(field);
  await user.type(field, code);
  await user.click(screen.getByRole('button', { name: 'Déverrouiller' }));
}

describe('the first code', () => {
  it('is asked before anything else, typed twice, 6+ digits or 8+ characters; then the app opens, unlocked', async () => {
    const { user } = renderLocked();
    expect(await screen.findByRole('heading', { name: 'Choisir un code de verrouillage' })).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Navigation principale' })).toBeNull();

    await user.type(screen.getByLabelText('Code de verrouillage'), '1234');
    await user.click(screen.getByRole('button', { name: 'Enregistrer le code' }));
    expect(await screen.findByText('Le code doit avoir au moins 6 chiffres.')).toBeInTheDocument();
    expect(screen.getByLabelText('Code de verrouillage')).toHaveFocus();

    await user.type(screen.getByLabelText('Code de verrouillage'), '56');
    await user.type(screen.getByLabelText('Retapez le code'), '123457');
    await user.click(screen.getByRole('button', { name: 'Enregistrer le code' }));
    expect(await screen.findByText('Les deux codes ne sont pas identiques.')).toBeInTheDocument();
    expect(await loadVault(db)).toBeUndefined();

    await user.clear(screen.getByLabelText('Retapez le code'));
    await user.type(screen.getByLabelText('Retapez le code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Enregistrer le code' }));
    expect(await screen.findByRole('navigation', { name: 'Navigation principale' }, { timeout: 10_000 })).toBeInTheDocument();
    expect(isUnlocked()).toBe(true);
    expect((await loadVault(db))!.digits).toBe(true);
  });
});

describe('Déverrouiller', () => {
  it('opens on the lock screen with a numeric keypad for a digit code; a wrong code says so, the right one opens the app', async () => {
    await lockedTablet({ waiting: false });
    const { user } = renderLocked();
    expect(await screen.findByRole('heading', { name: 'Déverrouiller' })).toBeInTheDocument();
    expect(screen.getByLabelText('Code de verrouillage')).toHaveAttribute('inputmode', 'numeric');
    expect(screen.getByLabelText('Code de verrouillage')).toHaveAttribute('type', 'password');

    await typeCode(user, '000000');
    expect(await screen.findByText(/^Code incorrect\./)).toBeInTheDocument();
    expect(isUnlocked()).toBe(false);

    await typeCode(user, CODE);
    expect(await screen.findByRole('navigation', { name: 'Navigation principale' }, { timeout: 10_000 })).toBeInTheDocument();
    expect((await loadAttempts(db)).failures).toBe(0);
  });

  it('slows down after the third wrong code, and a reload does not reset the count', async () => {
    await lockedTablet({ waiting: false });
    const first = renderLocked();
    for (let i = 0; i < 4; i++) await typeCode(first.user, `00000${i}`);
    expect(await screen.findByText(/Prochain essai dans 5 s/)).toBeInTheDocument();
    first.unmount(); // a reload

    const again = renderLocked();
    await typeCode(again.user, CODE); // even the right code waits
    expect(await screen.findByText(/Trop d’essais : réessayez dans [1-5] s\./)).toBeInTheDocument();
    expect(isUnlocked()).toBe(false);
    expect((await loadAttempts(db)).failures).toBe(4);
  });

  it('the tenth wrong code wipes the tablet when nothing waits to be sent', async () => {
    await lockedTablet({ waiting: false });
    await db.meta.put({ key: ATTEMPTS_KEY, value: { failures: 9, lastFailureAt: '2026-01-01T00:00:00.000Z', blocked: false } });
    const { user } = renderLocked();
    await typeCode(user, '999999');
    expect(await screen.findByRole('heading', { name: 'Choisir un code de verrouillage' })).toBeInTheDocument();
    expect(screen.getByText(/Trop de codes incorrects : les données de cette tablette ont été effacées/)).toBeInTheDocument();
    expect(await db.accompaniments.count()).toBe(0);
    expect(await loadVault(db)).toBeUndefined();
  });

  it('the tenth wrong code keeps everything, encrypted, when a change waits to be sent: the tablet is blocked', async () => {
    await lockedTablet({ waiting: true });
    await db.meta.put({ key: ATTEMPTS_KEY, value: { failures: 9, lastFailureAt: '2026-01-01T00:00:00.000Z', blocked: false } });
    const { user, unmount } = renderLocked();
    await typeCode(user, '999999');
    expect(await screen.findByRole('heading', { name: 'Tablette bloquée' })).toBeInTheDocument();
    expect(screen.getByText(/1 modification attend d’être envoyée/)).toBeInTheDocument();
    expect(await db.accompaniments.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
    expect(await loadVault(db)).toBeDefined();
    unmount();
    renderLocked(); // a reload does not bring the code field back
    expect(await screen.findByRole('heading', { name: 'Tablette bloquée' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Code de verrouillage')).toBeNull();
  });
});

describe('locking', () => {
  it('« Verrouiller » in the header locks at once; the form typed in just before comes back with its draft after unlocking', async () => {
    await setFirstCode(CODE);
    const { user } = renderLocked('#/personnes/nouvelle');
    const firstName = await screen.findByLabelText('Prénom');
    await user.type(firstName, 'Aïcha');
    // No wait for the autosave delay: the lock itself writes the draft before dropping the key.
    await user.click(screen.getByRole('button', { name: 'Verrouiller' }));
    expect(await screen.findByRole('heading', { name: 'Déverrouiller' })).toBeInTheDocument();
    expect(currentDataKey()).toBeNull();
    expect(window.location.hash).toBe('#/personnes/nouvelle');

    await typeCode(user, CODE);
    expect(await screen.findByLabelText('Prénom', {}, { timeout: 10_000 })).toHaveValue('Aïcha');
  });

  it('locks by itself after the chosen delay without a touch, and when it comes back after being hidden longer', async () => {
    await setFirstCode(CODE);
    await saveLockDelay(db, 2);
    renderLocked();
    await screen.findByRole('navigation', { name: 'Navigation principale' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

    act(() => void window.dispatchEvent(new Event('pointerdown')));
    await act(() => vi.advanceTimersByTimeAsync(110_000));
    act(() => void window.dispatchEvent(new Event('keydown'))); // activity restarts the delay
    await act(() => vi.advanceTimersByTimeAsync(110_000));
    expect(isUnlocked()).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(11_000));
    expect(isUnlocked()).toBe(false);
    vi.useRealTimers();
    expect(await screen.findByRole('heading', { name: 'Déverrouiller' })).toBeInTheDocument();

    // Hidden for longer than the delay: locked when it shows again.
    await typeCode(userEvent.setup(), CODE);
    await screen.findByRole('navigation', { name: 'Navigation principale' }, { timeout: 10_000 });
    vi.useFakeTimers({ toFake: ['Date'] });
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    vi.setSystemTime(Date.now() + 3 * 60_000);
    visibility.mockReturnValue('visible');
    await act(async () => void document.dispatchEvent(new Event('visibilitychange')));
    vi.useRealTimers();
    await waitFor(() => expect(isUnlocked()).toBe(false));
    expect(await screen.findByRole('heading', { name: 'Déverrouiller' })).toBeInTheDocument();
  });

  it('lockNow writes pending drafts before the key goes (not when the form unmounts, once the key is gone)', async () => {
    await setFirstCode(CODE);
    const { user } = renderLocked('#/personnes/nouvelle');
    await user.type(await screen.findByLabelText('Prénom'), 'Zoé');
    // Which drafts the database holds at the very moment the key is dropped (a read ordered before
    // any later write; keys only, the values being sealed).
    const key = currentDataKey()!;
    let atLock: Promise<string[]> | null = null;
    const stop = onLockChange((unlocked) => {
      if (!unlocked) atLock = db.drafts.toCollection().primaryKeys();
    });
    await act(() => lockNow());
    stop();
    const keys = await atLock!;
    expect(keys).toHaveLength(1);
    setDataKey(key); // unlocked again: what was typed is in that draft
    expect(JSON.stringify(await loadDraft(keys[0]))).toContain('Zoé');
  });

  it('locking one tab of the app locks the others', async () => {
    await setFirstCode(CODE);
    expect(isUnlocked()).toBe(true);
    const otherTab = new BroadcastChannel('relais-lock');
    otherTab.postMessage('lock');
    otherTab.close();
    await waitFor(() => expect(isUnlocked()).toBe(false));
  });
});
