import { describe, expect, it } from 'vitest';
import {
  earliestRevocation,
  expiresOnFor,
  isMandateValidOn,
  MANDATE_DURATIONS,
  mandateFit,
  mandatesToRenew,
  revocationProblem,
} from '../../src/domain/mandates';
import type { MandateData } from '../../src/domain/records';
import { validateMandate } from '../../src/domain/validation';

const PERSON = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function mandate(over: Partial<MandateData> = {}): MandateData {
  return {
    beneficiaryId: PERSON,
    signedOn: '2026-03-12',
    durationDays: 365,
    expiresOn: expiresOnFor('2026-03-12', 365),
    domains: ['logement', 'social'],
    actions: 'Demande d’aide au logement',
    paperLocation: 'Classeur bleu',
    revokedOn: null,
    ...over,
  };
}
const use = (date: string, domains: string[] = ['logement'], beneficiaryId: string | null = PERSON) => ({ beneficiaryId, date, domains });

describe('mandate durations', () => {
  it('offers 1 jour, 31 jours, 6 mois and 1 an, ending the day after the last valid day', () => {
    expect(MANDATE_DURATIONS.map((d) => [d.label, d.days])).toEqual([
      ['1 jour', 1],
      ['31 jours', 31],
      ['6 mois', 182],
      ['1 an', 365],
    ]);
    expect(expiresOnFor('2026-03-12', 1)).toBe('2026-03-13');
    expect(expiresOnFor('2026-03-12', 31)).toBe('2026-04-12');
    expect(expiresOnFor('2026-03-12', 365)).toBe('2027-03-12');
    expect(expiresOnFor('2028-01-01', 365)).toBe('2028-12-31'); // leap year: 365 days, not a calendar year
  });

  it('refuses a mandate whose end is not its signing day plus its duration', () => {
    expect(validateMandate(mandate())).toEqual([]);
    expect(validateMandate(mandate({ durationDays: 182 }))).toEqual([
      { path: 'expiresOn', message: 'La fin du mandat est sa signature plus sa durée : le 10/09/2026.' },
    ]);
    expect(validateMandate(mandate({ durationDays: 182, expiresOn: '2026-09-10' }))).toEqual([]);
  });

  it('a one-day mandate is valid on its signing day only', () => {
    const m = mandate({ durationDays: 1, expiresOn: expiresOnFor('2026-03-12', 1) });
    expect(mandateFit(m, use('2026-03-12'))).toEqual({ ok: true });
    expect(mandateFit(m, use('2026-03-13'))).toEqual({ ok: false, reason: 'expired', message: 'expiré le 13/03/2026' });
  });
});

describe('mandateFit', () => {
  it('is valid from its signing day to the day before expiresOn', () => {
    const m = mandate();
    expect(mandateFit(m, use('2026-03-12'))).toEqual({ ok: true });
    expect(mandateFit(m, use('2027-03-11'))).toEqual({ ok: true });
    expect(mandateFit(m, use('2026-03-11'))).toEqual({ ok: false, reason: 'not_yet', message: 'signé le 12/03/2026 : pas encore valable' });
    expect(mandateFit(m, use('2027-03-12'))).toMatchObject({ ok: false, reason: 'expired', message: 'expiré le 12/03/2027' });
  });

  it('is no longer valid on the day it is revoked, but still the day before', () => {
    const m = mandate({ revokedOn: '2026-06-01' });
    expect(mandateFit(m, use('2026-05-31'))).toEqual({ ok: true });
    expect(mandateFit(m, use('2026-06-01'))).toEqual({ ok: false, reason: 'revoked', message: 'révoqué le 01/06/2026' });
    expect(mandateFit(m, use('2026-09-01')).ok).toBe(false);
    expect(isMandateValidOn(m, '2026-06-01')).toBe(false);
    expect(isMandateValidOn(m, '2026-05-31')).toBe(true);
  });

  it('must cover the domain of every procedure, naming the missing ones', () => {
    const m = mandate({ domains: ['social'] });
    expect(mandateFit(m, use('2026-04-01', ['social', 'social']))).toEqual({ ok: true });
    expect(mandateFit(m, use('2026-04-01', ['social', 'logement']))).toEqual({ ok: false, reason: 'domains', message: 'ne couvre pas « Logement »' });
    expect(mandateFit(m, use('2026-04-01', ['argent', 'logement']))).toMatchObject({ message: 'ne couvre pas « Argent – Impôts », « Logement »' });
  });

  it('needs no coverage for numerique: a digital-skills procedure fits any valid mandate of the person', () => {
    const m = mandate({ domains: ['social'] });
    expect(mandateFit(m, use('2026-04-01', ['numerique']))).toEqual({ ok: true });
    expect(mandateFit(m, use('2026-04-01', ['numerique', 'social']))).toEqual({ ok: true });
    // …but the mandate must still be hers and valid on that day.
    expect(mandateFit(m, use('2028-04-01', ['numerique'])).ok).toBe(false);
    expect(mandateFit(m, use('2026-04-01', ['numerique'], OTHER)).ok).toBe(false);
  });

  it('refuses a mandate of another person, of an anonymous visit, or an unknown one', () => {
    expect(mandateFit(mandate(), use('2026-04-01', ['logement'], OTHER))).toEqual({
      ok: false,
      reason: 'other_person',
      message: 'mandat d’une autre personne',
    });
    expect(mandateFit(mandate(), use('2026-04-01', ['logement'], null))).toMatchObject({ reason: 'other_person' });
    expect(mandateFit(undefined, use('2026-04-01'))).toMatchObject({ ok: false, reason: 'unknown' });
  });
});

describe('mandatesToRenew', () => {
  it('lists valid mandates expiring within 30 days, soonest first, not revoked or expired ones', () => {
    const at = (expiresOn: string, over: Partial<MandateData> = {}) => ({ id: expiresOn, data: mandate({ expiresOn, ...over }) });
    const list = [
      at('2026-12-31'),
      at('2026-12-02'),
      at('2027-01-01'),
      at('2026-12-01'),
      at('2026-11-30'),
      at('2026-12-10', { revokedOn: '2026-11-15' }),
      at('2026-12-11', { revokedOn: '2026-12-05' }),
    ];
    const due = mandatesToRenew(list, '2026-12-01', 30);
    expect(due.map((m) => [m.mandate.id, m.daysLeft])).toEqual([
      ['2026-12-02', 1],
      ['2026-12-31', 30],
    ]);
  });
});

describe('the earliest revocation', () => {
  it('is the signing day when unused, and the day after its last use otherwise, so no use becomes invalid', () => {
    const m = mandate();
    expect(earliestRevocation(m, [])).toBe('2026-03-12');
    expect(earliestRevocation(m, ['2026-04-02', '2026-05-20', '2026-04-30'])).toBe('2026-05-21');
    // A use on the signing day: not on that day, the next.
    expect(earliestRevocation(m, ['2026-03-12'])).toBe('2026-03-13');
    // Each use stays valid with the earliest revocation, and would not the day before.
    const revoked = { ...m, revokedOn: earliestRevocation(m, ['2026-05-20']) };
    expect(isMandateValidOn(revoked, '2026-05-20')).toBe(true);
    expect(isMandateValidOn({ ...m, revokedOn: '2026-05-20' }, '2026-05-20')).toBe(false);
  });

  it('says in plain words why an earlier date is refused', () => {
    const m = mandate();
    expect(revocationProblem(m, '2026-05-21', ['2026-05-20'])).toBeNull();
    expect(revocationProblem(m, '2026-05-20', ['2026-05-20'])).toBe(
      'Le mandat a servi le 20/05/2026 : la révocation prend effet au plus tôt le lendemain, le 21/05/2026.',
    );
    expect(revocationProblem(m, '2026-03-11', [])).toBe('Le mandat a été signé le 12/03/2026 : la révocation ne peut pas être datée avant.');
    expect(revocationProblem(m, '2026-03-12', [])).toBeNull();
  });
});
