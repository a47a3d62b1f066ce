// The queries screens run on people, mandates and follow-ups (src/db/people.ts, mandates.ts,
// followups.ts), on records installed as the pull installs them.
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { markFollowupDone, openFollowupsOf, overdueFollowups } from '../../src/db/followups';
import { myMandatesToRenew, usesOfMandate } from '../../src/db/mandates';
import { lastVisitsOf, peopleSummaries, personMandates, personOpenFollowups, personPage } from '../../src/db/people';
import { newId } from '../../src/db/writes';
import type { ChangeRecord } from '../../src/domain/sync';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { beneficiary, followup, mandate, pulled, pulledTombstone } from './peopleFixtures';

const NOW = '2026-11-24T10:00:00.000Z';
const TODAY = '2026-11-24';
const install = (changes: ChangeRecord[]) => applyPulledPage(db, changes, 'c', NOW);
const visit = (beneficiaryId: string, date: string, over = {}) => accompaniment({ beneficiaryId, anonymous: null, date, ...over });

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe("a person's page", () => {
  it('shows her visits newest first, her mandates and her open follow-ups only', async () => {
    const [marie, other, v1, v2, v3, gone, m1, m2, fOpen, fLater, fDone] = Array.from({ length: 11 }, newId);
    await install([
      pulled('beneficiary', marie, 1, beneficiary()),
      pulled('beneficiary', other, 1, beneficiary({ firstName: 'Paul' })),
      pulled('accompaniment', v1, 1, visit(marie, '2026-10-01')),
      pulled('accompaniment', v2, 1, visit(marie, '2026-11-20')),
      pulled('accompaniment', v3, 1, visit(other, '2026-11-21')),
      pulledTombstone('accompaniment', gone, 2),
      pulled('mandate', m1, 1, mandate(marie, { signedOn: '2025-01-10', expiresOn: '2026-01-10' })),
      pulled('mandate', m2, 1, mandate(marie)),
      pulled('followup', fOpen, 1, followup({ beneficiaryId: marie, dueOn: '2026-11-30' })),
      pulled('followup', fLater, 1, followup({ beneficiaryId: marie, dueOn: null })),
      pulled('followup', fDone, 1, followup({ beneficiaryId: marie, doneOn: '2026-11-20' })),
    ]);
    const page = await personPage(marie, db);
    expect(page?.person.id).toBe(marie);
    expect(page?.visits.map((v) => v.id)).toEqual([v2, v1]);
    expect(page?.mandates.map((m) => m.id)).toEqual([m2, m1]);
    expect(page?.openFollowups.map((f) => f.id)).toEqual([fOpen, fLater]);
    expect(await personPage(newId(), db)).toBeUndefined();
  });

  it('summarises search hits with their commune and last visit, in the order asked', async () => {
    const [marie, paul, gone] = [newId(), newId(), newId()];
    await install([
      pulled('beneficiary', marie, 1, beneficiary({ residenceInsee: '34301' })),
      pulled('beneficiary', paul, 1, beneficiary({ firstName: 'Paul', residenceInsee: null })),
      pulledTombstone('beneficiary', gone, 2),
      pulled('accompaniment', newId(), 1, visit(marie, '2026-11-02')),
      pulled('accompaniment', newId(), 1, visit(marie, '2026-11-19')),
      pulled('accompaniment', newId(), 1, visit(marie, '2026-10-19')),
    ]);
    const summaries = await peopleSummaries([paul, gone, marie, newId()], db);
    expect(summaries.map((s) => [s.person.id, s.residenceInsee, s.lastVisitOn])).toEqual([
      [paul, null, null],
      [marie, '34301', '2026-11-19'],
    ]);
  });
});

describe('the parts of her page read without her visits', () => {
  it('last visits of search hits: deleted visits left out, null without any', async () => {
    const [marie, paul, removed] = [newId(), newId(), newId()];
    await install([
      pulled('beneficiary', marie, 1, beneficiary()),
      pulled('beneficiary', paul, 1, beneficiary({ firstName: 'Paul' })),
      pulled('accompaniment', newId(), 1, visit(marie, '2026-11-02')),
      pulled('accompaniment', newId(), 1, visit(marie, '2026-10-19')),
      pulled('accompaniment', removed, 1, visit(paul, '2026-11-20')),
    ]);
    await db.accompaniments.update(removed, { deleted: true });
    expect(await lastVisitsOf([marie, paul], db)).toEqual(
      new Map([
        [marie, '2026-11-02'],
        [paul, null],
      ]),
    );
  });

  it('her mandates and open follow-ups include those still naming a person merged into her; merged ids are hers', async () => {
    const [marie, dup, m1, m2, f1] = Array.from({ length: 5 }, newId);
    await install([
      pulled('beneficiary', marie, 1, beneficiary()),
      pulled('beneficiary', dup, 1, beneficiary({ lastName: 'Dupon' })),
      pulled('mandate', m1, 1, mandate(marie, { signedOn: '2026-01-10' })),
      pulled('mandate', m2, 1, mandate(dup, { signedOn: '2026-02-10' })),
      pulled('followup', f1, 1, followup({ beneficiaryId: dup })),
    ]);
    await db.beneficiaries.update(dup, { deleted: true, mergedInto: marie });
    const held = await personMandates(dup, db);
    expect(held?.person.id).toBe(marie);
    expect(held?.mandates.map((m) => m.id)).toEqual([m2, m1]);
    expect(held?.survivorOf(dup)).toBe(marie);
    expect(held?.survivorOf(marie)).toBe(marie);
    const stranger = newId();
    expect(held?.survivorOf(stranger)).toBe(stranger);
    expect((await personOpenFollowups(marie, db)).map((f) => f.id)).toEqual([f1]);
  });
});

describe('mandates', () => {
  it('lists those to renew within 30 days: hers, still valid, never revoked, soonest first, with the person they name now', async () => {
    const [person, merged] = [newId(), newId()];
    const ids = Object.fromEntries(
      ['soon', 'later', 'edge', 'expired', 'revoked', 'revokedLater', 'far', 'deleted', 'notYet', 'ofMerged'].map((k) => [k, newId()]),
    );
    await install([
      pulled('beneficiary', person, 1, beneficiary()),
      pulledTombstone('beneficiary', merged, 2, { mergedInto: person }),
      pulled('mandate', ids.later, 1, mandate(person, { expiresOn: '2026-12-20' })),
      pulled('mandate', ids.soon, 1, mandate(person, { expiresOn: '2026-11-25' })),
      pulled('mandate', ids.edge, 1, mandate(person, { expiresOn: '2026-12-24' })),
      pulled('mandate', ids.expired, 1, mandate(person, { expiresOn: '2026-11-24' })),
      pulled('mandate', ids.revoked, 1, mandate(person, { expiresOn: '2026-12-01', revokedOn: '2026-11-01' })),
      pulled('mandate', ids.revokedLater, 1, mandate(person, { expiresOn: '2026-12-02', revokedOn: '2026-11-30' })),
      pulled('mandate', ids.far, 1, mandate(person, { expiresOn: '2026-12-25' })),
      pulled('mandate', ids.notYet, 1, mandate(person, { signedOn: '2026-11-26', expiresOn: '2026-11-27' })),
      pulled('mandate', ids.ofMerged, 1, mandate(merged, { expiresOn: '2026-12-10' })),
      pulledTombstone('mandate', ids.deleted, 2),
    ]);
    const due = await myMandatesToRenew(30, TODAY, db);
    expect(due.map((d) => [d.mandate.id, d.daysLeft, d.person?.id])).toEqual([
      [ids.soon, 1, person],
      [ids.ofMerged, 16, person], // names a person merged into her: shown as hers
      [ids.later, 26, person],
      [ids.edge, 30, person],
    ]);
  });

  it("lists a mandate's uses: the visits done on her behalf under it, newest first", async () => {
    const [person, m, use1, use2, other, deleted] = Array.from({ length: 6 }, newId);
    const onHerBehalf = (date: string) => visit(person, date, { posture: 'fait_a_la_place', mandateId: m });
    await install([
      pulled('accompaniment', use1, 1, onHerBehalf('2026-11-01')),
      pulled('accompaniment', use2, 1, onHerBehalf('2026-11-15')),
      pulled('accompaniment', other, 1, visit(person, '2026-11-16')),
      pulledTombstone('accompaniment', deleted, 2),
    ]);
    expect((await usesOfMandate(m, db)).map((a) => a.id)).toEqual([use2, use1]);
  });
});

describe('follow-ups', () => {
  it("lists a commune's open ones, the overdue ones, and « Fait » closes one through the write path", async () => {
    const [meze, meze2, sete, done, overdue] = Array.from({ length: 5 }, newId);
    await install([
      pulled('followup', meze, 1, followup({ communeInsee: '34157', dueOn: '2026-12-10' })),
      pulled('followup', meze2, 1, followup({ communeInsee: '34157', dueOn: '2026-11-20' })),
      pulled('followup', sete, 1, followup({ communeInsee: '34301', dueOn: '2026-11-01' })),
      pulled('followup', done, 1, followup({ communeInsee: '34157', dueOn: '2026-11-01', doneOn: '2026-11-02' })),
      pulled('followup', overdue, 1, followup({ communeInsee: null, dueOn: '2026-11-23' })),
    ]);
    expect((await openFollowupsOf('34157', db)).map((f) => f.id)).toEqual([meze2, meze]);
    expect((await overdueFollowups(TODAY, db)).map((f) => f.id)).toEqual([sete, meze2, overdue]);

    await markFollowupDone(meze2, TODAY, db);
    expect((await openFollowupsOf('34157', db)).map((f) => f.id)).toEqual([meze]);
    expect(await db.outbox.toArray()).toEqual([
      expect.objectContaining({ entity: 'followup', id: meze2, baseVersion: 1, data: expect.objectContaining({ doneOn: TODAY }) }),
    ]);
  });
});
