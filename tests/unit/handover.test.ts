// Enrolling the tablet for the same person keeps her code and key; for another person (a hand-
// over) it wipes the previous user's data and lock code and gives the tablet a new data key, with
// the new token sealed under it: the previous code opens nothing, the new user chooses her own.
import { beforeEach, describe, expect, it } from 'vitest';
import { currentDataKey, setDataKey } from '../../src/crypto/keySession';
import { createVault, loadVault, openVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { loadCredentials, loadEnrolment, saveCredentials } from '../../src/sync/credentials';
import { setFirstCode, useLock } from '../../src/platform/lock';
import { enrolThisTablet } from '../../src/sync/enrolment';

let db: RelaisDB;
let n = 0;
beforeEach(async () => {
  db = new RelaisDB(`handover-${n++}`);
  await db.open();
  setDataKey(await createVault(db, '482913'));
  await saveCredentials(db, { deviceId: 'd1', token: 'token-anne', role: 'mediator', name: 'Anne', label: 'Tablette', enrolledAt: '2026-11-01T08:00:00Z' });
});

const answer = (body: object) => async () => new Response(JSON.stringify(body), { status: 201, headers: { 'content-type': 'application/json' } });

describe('enrolment and the lock', () => {
  it('the same person enrolled again keeps her code and data key', async () => {
    const before = currentDataKey();
    await enrolThisTablet(db, {
      baseUrl: 'http://relais.test',
      code: 'ABCD-EF23',
      label: 'Tablette',
      fetch: answer({ deviceId: 'd2', token: 'token-anne-2', role: 'mediator', name: 'Anne' }),
    });
    expect(currentDataKey()).toBe(before);
    expect(await loadVault(db)).toBeDefined();
    expect((await loadCredentials(db))!.token).toBe('token-anne-2');
    await openVault(db, '482913');
  });

  it('a hand-over removes the previous code and seals the new token under a new data key', async () => {
    const before = currentDataKey();
    const { handedOver } = await enrolThisTablet(db, {
      baseUrl: 'http://relais.test',
      code: 'ABCD-EF23',
      label: 'Tablette',
      fetch: answer({ deviceId: 'd3', token: 'token-bea', role: 'mediator', name: 'Béatrice' }),
    });
    expect(handedOver).toBe(true);
    expect(await loadVault(db)).toBeUndefined(); // the lock screen asks Béatrice for her code
    expect(currentDataKey()).not.toBe(before);
    expect((await loadCredentials(db))!.token).toBe('token-bea');
    setDataKey(before);
    await expect(loadCredentials(db)).rejects.toThrow(); // Anne's key opens nothing of Béatrice's
  });

  it('a reload between the hand-over and the new code loses the new key: the enrolment is asked again, not left unreadable', async () => {
    await enrolThisTablet(db, {
      baseUrl: 'http://relais.test',
      code: 'ABCD-EF23',
      label: 'Tablette',
      fetch: answer({ deviceId: 'd3', token: 'token-bea', role: 'mediator', name: 'Béatrice' }),
    });
    setDataKey(null); // the reload
    await setFirstCode('béatrice sur l’étang', db);
    expect(await loadEnrolment(db)).toBeUndefined();
    expect(useLock.getState().notice).toBe('Inscrivez à nouveau cette tablette (Réglages).');
    expect(await openVault(db, 'béatrice sur l’étang')).toBeDefined();
  });
});
