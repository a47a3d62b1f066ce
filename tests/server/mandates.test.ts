// The `fait_a_la_place` rule through push (api.md Records): a visit done on the person's behalf
// must name a mandate the server holds, of the same person, valid on the visit's date, covering
// each procedure's domain; otherwise it comes back `rejected` naming `mandateId` in plain French.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import type { AccompanimentData } from '../../src/domain/records';
import { admin, enrol, op, push, testServer, type TestServer } from './helpers';
import { mandate, person } from './people';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
});
afterEach(async () => {
  await s.close();
});

type Result = { status: string; version?: number; fields?: { path: string; message: string }[] };
const results = async (headers: Record<string, string>, ops: unknown[]) => (await push(s.app, headers, ops)).json().results as Result[];
const visit = (beneficiaryId: string, mandateId: string | null, over: Partial<AccompanimentData> = {}) =>
  op({
    data: accompaniment({
      beneficiaryId,
      anonymous: null,
      posture: 'fait_a_la_place',
      mandateId,
      date: '2026-03-10',
      procedures: [{ code: 'caf_logement', domain: 'logement', partner: 'caf' }],
      ...over,
    }) as never,
  });

describe('fait à sa place, through push', () => {
  it('applies a visit whose mandate was sent earlier in the same batch, and refuses one sent before its mandate', async () => {
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    const early = visit(leila.id, m.id);
    const late = visit(leila.id, m.id);
    const [r0, r1, r2, r3] = await results(anne.headers, [leila, early, m, late]);
    expect([r0.status, r2.status, r3.status]).toEqual(['applied', 'applied', 'applied']);
    expect(r1).toMatchObject({ status: 'rejected', fields: [{ path: 'mandateId' }] });
    expect(r1.fields![0].message).toContain('introuvable');
  });

  it('refuses a mandate expired, not yet signed, of another person or not covering a domain, saying why', async () => {
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const paul = op({ entity: 'beneficiary', data: person({ firstName: 'Paul' }) as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id, { signedOn: '2026-01-05', durationDays: 31, domains: ['social'] }) as never });
    await results(anne.headers, [leila, paul, m]);
    const social = [{ code: 'ameli_compte', domain: 'social' as const, partner: 'cpam' as const }];
    const answers = await results(anne.headers, [
      visit(leila.id, m.id, { date: '2026-01-20', procedures: social }),
      visit(leila.id, m.id, { date: '2026-02-05', procedures: social }),
      visit(leila.id, m.id, { date: '2026-01-04', procedures: social }),
      visit(paul.id, m.id, { date: '2026-01-20', procedures: social }),
      visit(leila.id, m.id, { date: '2026-01-20' }),
      visit(leila.id, m.id, { date: '2026-01-20', procedures: [{ code: 'email', domain: 'numerique', partner: 'aucun' }] }),
    ]);
    expect(answers.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'rejected', 'rejected', 'applied']);
    expect(answers.slice(1, 5).map((r) => r.fields)).toEqual([
      [{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : expiré le 05/02/2026.' }],
      [{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : signé le 05/01/2026 : pas encore valable.' }],
      [{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : mandat d’une autre personne.' }],
      [{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : ne couvre pas « Logement ».' }],
    ]);
  });

  it('refuses a visit made offline with a mandate revoked meanwhile from another tablet; one dated before the revocation still applies', async () => {
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    await results(anne.headers, [leila, m]);
    // Her second tablet (or the coordinator) revokes it on 1 March; the first tablet is offline.
    const other = await enrol(s.app, 'Anne', 'mediator', 'Tablette de secours');
    const revoke = op({ entity: 'mandate', id: m.id, baseVersion: 1, data: mandate(leila.id, { revokedOn: '2026-03-01' }) as never });
    expect((await results(other.headers, [revoke]))[0]).toMatchObject({ status: 'applied', version: 2 });
    // The offline tablet comes back with two visits using it.
    const onRevocationDay = visit(leila.id, m.id, { date: '2026-03-01' });
    const before = visit(leila.id, m.id, { date: '2026-02-28' });
    const [r1, r2] = await results(anne.headers, [onRevocationDay, before]);
    expect(r1).toEqual({
      opId: onRevocationDay.opId,
      status: 'rejected',
      fields: [{ path: 'mandateId', message: 'Ce mandat ne peut pas servir : révoqué le 01/03/2026.' }],
    });
    expect(r2).toMatchObject({ status: 'applied', version: 1 });
    // Corrected ("Fait avec la personne"), the same visit goes through.
    const fixed = op({ id: onRevocationDay.id, data: { ...(onRevocationDay.data as object), posture: 'fait_avec', mandateId: null } });
    expect((await results(anne.headers, [fixed]))[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  it('refuses a revocation dated on or before a day the mandate was used, held or earlier in the batch; the day after applies', async () => {
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    const used = visit(leila.id, m.id, { date: '2026-03-10' });
    await results(anne.headers, [leila, m, used]);
    const revoke = (revokedOn: string) => op({ entity: 'mandate', id: m.id, baseVersion: 1, data: mandate(leila.id, { revokedOn }) as never });
    // The coordinator's tablet (which had not pulled the visit yet) revokes it on the day it was used.
    const coordinator = await enrol(s.app, 'Coline', 'coordinator');
    expect((await results(coordinator.headers, [revoke('2026-03-10')]))[0]).toMatchObject({
      status: 'rejected',
      fields: [{ path: 'revokedOn', message: 'Le mandat a servi le 10/03/2026 : la révocation prend effet au plus tôt le lendemain, le 11/03/2026.' }],
    });
    // A use arriving in the same batch, before the revocation, counts too.
    const later = visit(leila.id, m.id, { date: '2026-03-12' });
    const [r1, r2] = await results(anne.headers, [later, revoke('2026-03-11')]);
    expect(r1.status).toBe('applied');
    expect(r2).toMatchObject({ status: 'rejected', fields: [{ path: 'revokedOn' }] });
    // A revocation that also names another person still finds the mandate's uses.
    const stranger = op({ entity: 'beneficiary', data: person() as never });
    await results(anne.headers, [stranger]);
    const elsewhere = op({ entity: 'mandate', id: m.id, baseVersion: 1, data: mandate(stranger.id, { revokedOn: '2026-03-05' }) as never });
    expect((await results(anne.headers, [elsewhere]))[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'revokedOn' }] });
    // The day after the last use: applied; the visits stay valid.
    expect((await results(anne.headers, [revoke('2026-03-13')]))[0]).toMatchObject({ status: 'applied', version: 2 });
    // A deleted use no longer holds it back.
    const other = op({ entity: 'mandate', data: mandate(leila.id) as never });
    const gone = visit(leila.id, other.id, { date: '2026-03-20' });
    await results(anne.headers, [other, gone]);
    await results(anne.headers, [op({ id: gone.id, baseVersion: 1, deleted: true, data: {} as never })]);
    const revokeOther = op({ entity: 'mandate', id: other.id, baseVersion: 1, data: mandate(leila.id, { revokedOn: '2026-03-15' }) as never });
    expect((await results(anne.headers, [revokeOther]))[0]).toMatchObject({ status: 'applied' });
  });

  it('refuses a deleted mandate', async () => {
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    await results(anne.headers, [leila, m, op({ entity: 'mandate', id: m.id, baseVersion: 1, deleted: true, data: {} })]);
    expect((await results(anne.headers, [visit(leila.id, m.id)]))[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'mandateId' }] });
  });

  it('never lets a mediator use another user’s mandate, without telling whether it exists; the coordinator may', async () => {
    const bea = await enrol(s.app, 'Béa');
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    await results(bea.headers, [leila, m]);
    const stolen = await results(anne.headers, [visit(leila.id, m.id)]);
    const unknown = await results(anne.headers, [visit(leila.id, '3f1d2c4b-5a69-4789-9abc-def012345678')]);
    expect(stolen[0].status).toBe('rejected');
    expect(stolen[0].fields).toEqual(unknown[0].fields);
    expect((await results(admin, [visit(leila.id, m.id)]))[0]).toMatchObject({ status: 'applied' });
  });

  it('still requires a mandate with fait_a_la_place', async () => {
    const [r] = await results(anne.headers, [visit('3f1d2c4b-5a69-4789-9abc-def012345678', null)]);
    expect(r).toMatchObject({ status: 'rejected', fields: [{ path: 'mandateId' }] });
  });
});
