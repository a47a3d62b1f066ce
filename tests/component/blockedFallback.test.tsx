// A blocked tablet whose « Tablette bloquée » screen (loaded on demand) cannot load: it still says
// it is blocked and not to clear the browser's data — never a blank page.
import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setDataKey } from '../../src/crypto/keySession';
import { createVault } from '../../src/crypto/keys';
import { db } from '../../src/db/database';
import { LockGate } from '../../src/features/lock/LockGate';
import { ATTEMPTS_KEY } from '../../src/platform/lockAttempts';
import { freshDatabase, screen } from './helpers';

vi.mock('../../src/features/lock/BlockedScreen', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

beforeEach(async () => {
  await freshDatabase();
  setDataKey(null);
  await createVault(db, '482913');
  await db.meta.put({ key: ATTEMPTS_KEY, value: { failures: 10, lastFailureAt: new Date().toISOString(), blocked: true } });
});

describe('a blocked tablet without its screen', () => {
  it('says it is blocked and that the data must not be cleared', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
    render(
      <LockGate>
        <p>Application</p>
      </LockGate>,
    );
    expect(await screen.findByRole('heading', { name: 'Tablette bloquée' })).toBeInTheDocument();
    expect(screen.getByText(/N’effacez pas les données du navigateur/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Recharger' })).toBeInTheDocument();
    expect(screen.queryByText('Application')).toBeNull();
  });
});
