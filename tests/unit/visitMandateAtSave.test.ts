// The last check before a « Fait à sa place » visit is saved (src/db/accompanimentSession.ts):
// the mandate as held at that moment. A pull (or another tab) that revoked or deleted it after the
// form offered it must not let a visit the server will refuse into the queue; the draft stays.
import { beforeEach, describe, expect, it } from 'vitest';
import { saveEntry } from '../../src/db/accompanimentSession';
import { db } from '../../src/db/database';
import { loadDraft, saveDraft } from '../../src/db/drafts';
import { deleteRecord, newId, restoreRecord, saveRecord, ValidationError } from '../../src/db/writes';
import type { ChangeRecord } from '../../src/domain/sync';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { beneficiary, mandate, pulled, pulledTombstone } from './peopleFixtures';

const NOW = '2026-11-24T10:00:00.000Z';
const install = (changes: ChangeRecord[]) => applyPulledPage(db, changes, 'c', NOW);
const KEY = 'accompaniment:new';
let person: string;
let mandateId: string;

beforeEach(async () => {
  await db.delete();
  await db.open();
  person = newId();
  mandateId = newId();
  await install([
    pulled('beneficiary', person, 1, beneficiary()),
    pulled('mandate', mandateId, 1, mandate(person, { signedOn: '2026-11-01', expiresOn: '2027-11-01', domains: ['social'] })),
  ]);
});

/** Saves a new « Fait à sa place » visit on 2026-11-24 under the mandate, as the form does. */
async function saveVisit(over = {}) {
  const draft = { id: newId(), state: { typed: 'what she typed' } };
  await saveDraft(KEY, draft);
  const data = accompaniment({ date: '2026-11-24', beneficiaryId: person, anonymous: null, posture: 'fait_a_la_place', mandateId, ...over });
  return saveEntry({ key: KEY, draft, data, editing: null });
}

async function refusal(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).fields;
}

describe('saving or restoring a « Fait à sa place » visit', () => {
  it('saves it when the mandate fits', async () => {
    const { record } = await saveVisit();
    expect(record.data.mandateId).toBe(mandateId);
    expect(await db.outbox.count()).toBe(1);
    expect(await loadDraft(KEY)).toBeUndefined();
  });

  it('refuses it, queues nothing and keeps the draft, when a pull revoked the mandate on or before its date', async () => {
    await install([
      pulled('mandate', mandateId, 2, mandate(person, { signedOn: '2026-11-01', expiresOn: '2027-11-01', domains: ['social'], revokedOn: '2026-11-24' })),
    ]);
    expect(await refusal(saveVisit())).toEqual([{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : révoqué le 24/11/2026.' }]);
    expect(await db.accompaniments.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await loadDraft(KEY)).toMatchObject({ state: { typed: 'what she typed' } });
  });

  it('refuses it when the mandate was deleted, or does not cover a procedure’s domain', async () => {
    expect(await refusal(saveVisit({ procedures: [{ code: 'caf_logement', domain: 'logement', partner: 'caf' }] }))).toEqual([
      { path: 'mandateId', message: 'Ce mandat ne peut pas servir : ne couvre pas « Logement ».' },
    ]);
    await install([pulledTombstone('mandate', mandateId, 2)]);
    expect((await refusal(saveVisit()))[0].message).toMatch(/mandat introuvable/);
    expect(await db.outbox.count()).toBe(0);
  });

  it('accepts her mandate when she was merged into another person since (the survivor’s visit, her mandate re-pointed later)', async () => {
    const survivor = newId();
    await install([
      pulled('beneficiary', survivor, 1, beneficiary({ lastName: 'Autre' })),
      pulledTombstone('beneficiary', person, 2, { mergedInto: survivor }),
    ]);
    const { record } = await saveVisit({ beneficiaryId: survivor });
    expect(record.data).toMatchObject({ beneficiaryId: survivor, mandateId });
  });

  it('refuses to bring back (« Annuler » after « Supprimer ») a visit whose mandate was revoked since, leaving it deleted', async () => {
    const { record } = await saveVisit();
    await deleteRecord('accompaniment', record.id);
    await install([
      pulled('mandate', mandateId, 2, mandate(person, { signedOn: '2026-11-01', expiresOn: '2027-11-01', domains: ['social'], revokedOn: '2026-11-20' })),
    ]);
    expect((await refusal(restoreRecord('accompaniment', record.id)))[0]).toMatchObject({
      path: 'mandateId',
      message: expect.stringContaining('révoqué le 20/11/2026'),
    });
    expect((await db.accompaniments.get(record.id))!.deleted).toBe(true);
    // Never sent, then deleted: nothing waits, and the refused restore queued nothing.
    expect(await db.outbox.count()).toBe(0);
  });

  it('refuses a revocation dated on or before a day the mandate was used, whoever saves it; the day after is saved', async () => {
    await saveVisit();
    const revoked = (revokedOn: string) => mandate(person, { signedOn: '2026-11-01', expiresOn: '2027-11-01', domains: ['social'], revokedOn });
    expect(await refusal(saveRecord('mandate', mandateId, revoked('2026-11-24')))).toEqual([
      { path: 'revokedOn', message: 'Le mandat a servi le 24/11/2026 : la révocation prend effet au plus tôt le lendemain, le 25/11/2026.' },
    ]);
    expect((await db.mandates.get(mandateId))!.data.revokedOn).toBeNull();
    expect((await saveRecord('mandate', mandateId, revoked('2026-11-25'))).data.revokedOn).toBe('2026-11-25');
  });
});
