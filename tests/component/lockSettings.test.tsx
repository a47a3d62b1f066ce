// Réglages → Verrouillage et données: the auto-lock delay, changing the code (the old one
// required, the same data key kept), and « Oublier cette tablette » (refused while changes wait).
import { render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';
import { loadVault, openVault, WrongCodeError } from '../../src/crypto/keys';
import { db } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { LockGate } from '../../src/features/lock/LockGate';
import { loadLockDelay } from '../../src/features/lock/autoLock';
import { setFirstCode, useLock } from '../../src/platform/lock';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase, screen } from './helpers';

beforeEach(async () => {
  await freshDatabase();
  setDataKey(null);
  useLock.setState({ ready: false, opening: false, notice: null });
  await setFirstCode('482913');
});
afterEach(async () => setDataKey(await newDataKey()));

function renderSettings() {
  window.location.hash = '#/reglages';
  const user = userEvent.setup();
  render(
    <LockGate>
      <App />
    </LockGate>,
  );
  return user;
}

describe('Verrouillage et données', () => {
  it('sets the auto-lock delay', async () => {
    const user = renderSettings();
    const delay = await screen.findByLabelText('Verrouiller automatiquement après');
    expect(delay).toHaveValue('5');
    await user.selectOptions(delay, '10');
    await waitFor(async () => expect(await loadLockDelay(db)).toBe(10));
  });

  it('changes the code only with the right old one', async () => {
    const user = renderSettings();
    await user.type(await screen.findByLabelText('Code actuel'), '000000');
    await user.type(screen.getByLabelText('Nouveau code'), 'le phare de Sète');
    await user.type(screen.getByLabelText('Retapez le nouveau code'), 'le phare de Sète');
    await user.click(screen.getByRole('button', { name: 'Changer le code' }));
    expect(await screen.findByText('Code actuel incorrect.', {}, { timeout: 10_000 })).toBeInTheDocument();
    await openVault(db, '482913');

    await user.clear(screen.getByLabelText('Code actuel'));
    await user.type(screen.getByLabelText('Code actuel'), '482913');
    await user.click(screen.getByRole('button', { name: 'Changer le code' }));
    expect(await screen.findByText('Code de verrouillage changé.', {}, { timeout: 10_000 })).toBeInTheDocument();
    await expect(openVault(db, '482913')).rejects.toBeInstanceOf(WrongCodeError);
    await openVault(db, 'le phare de Sète');
  });

  it('« Oublier cette tablette » is refused while a change waits, and wipes everything once all is sent', async () => {
    await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
    const user = renderSettings();
    await user.click(await screen.findByRole('button', { name: 'Oublier cette tablette' }));
    expect(await screen.findByText(/n’ont pas encore été envoyées au serveur \(1 changement à envoyer\) : rien n’a été effacé/)).toBeInTheDocument();
    expect(await db.accompaniments.count()).toBe(1);

    await db.outbox.clear(); // sent
    await user.click(screen.getByRole('button', { name: 'Oublier cette tablette' }));
    await user.click(await screen.findByRole('button', { name: 'Effacer les données de la tablette' }));
    expect(await screen.findByRole('heading', { name: 'Choisir un code de verrouillage' })).toBeInTheDocument();
    expect(await db.accompaniments.count()).toBe(0);
    expect(await loadVault(db)).toBeUndefined();
  });

  it('« Oublier cette tablette » is refused while a form is half-typed (its draft), and says so', async () => {
    await saveDraft('accompaniment:new', { state: { note: 'rappeler la CAF' } });
    const user = renderSettings();
    await user.click(await screen.findByRole('button', { name: 'Oublier cette tablette' }));
    expect(await screen.findByText(/\(1 brouillon\) : rien n’a été effacé/)).toBeInTheDocument();
    expect(await db.drafts.count()).toBe(1);
  });
});
