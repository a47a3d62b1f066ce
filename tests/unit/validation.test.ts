import { describe, expect, it } from 'vitest';
import {
  MANDATE_REQUIRED_MESSAGE,
  UNKNOWN_FIELDS_LISTED,
  validateAccompaniment,
  validateBeneficiary,
  validateFollowup,
  validateMandate,
  validatePermanence,
  validateRecordData,
} from '../../src/domain/validation';
import { accompaniment, permanence } from './fixtures';

const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

describe('accompaniment validation', () => {
  it('accepts a complete anonymous accompaniment', () => {
    expect(validateAccompaniment(accompaniment())).toEqual([]);
  });

  it('names each missing choice with a plain French message', () => {
    const errors = validateAccompaniment(accompaniment({ procedures: [], posture: null as never, outcome: null as never, durationMinutes: null as never }));
    expect(errors).toEqual([
      { path: 'durationMinutes', message: 'Choisissez une durée entre 1 et 600 minutes.' },
      { path: 'procedures', message: 'Choisissez au moins une démarche.' },
      { path: 'posture', message: 'Choisissez qui a fait la démarche.' },
      { path: 'outcome', message: 'Choisissez le résultat.' },
    ]);
  });

  it('refuses durations outside 1–600 minutes and non-integers', () => {
    for (const d of [0, 601, 12.5, -5]) expect(paths(validateAccompaniment(accompaniment({ durationMinutes: d })))).toEqual(['durationMinutes']);
    expect(validateAccompaniment(accompaniment({ durationMinutes: 600 }))).toEqual([]);
  });

  it('refuses "fait à sa place" without a mandate, saying why', () => {
    const errors = validateAccompaniment(accompaniment({ posture: 'fait_a_la_place' }));
    expect(errors).toEqual([{ path: 'mandateId', message: MANDATE_REQUIRED_MESSAGE }]);
  });

  it('asks where the person was referred when the outcome is "orientée"', () => {
    expect(paths(validateAccompaniment(accompaniment({ outcome: 'orientee', referral: null })))).toEqual(['referral.target']);
    expect(validateAccompaniment(accompaniment({ outcome: 'orientee', referral: { target: 'aide_sociale', note: 'CCAS' } }))).toEqual([]);
    expect(paths(validateAccompaniment(accompaniment({ referral: { target: 'autre', note: null } })))).toEqual(['referral']);
  });

  it('keeps communes of accompaniments to the territory but accepts any French residence', () => {
    expect(paths(validateAccompaniment(accompaniment({ communeInsee: '75056' })))).toEqual(['communeInsee']);
    const fromMontpellier = accompaniment({ anonymous: { ...accompaniment().anonymous!, residenceInsee: '34172' } });
    expect(validateAccompaniment(fromMontpellier)).toEqual([]);
  });

  it('only accepts a QPV resident living in Sète or Frontignan', () => {
    const stats = accompaniment().anonymous!;
    expect(paths(validateAccompaniment(accompaniment({ anonymous: { ...stats, residenceInsee: '34157', qpv: true } })))).toEqual(['anonymous.qpv']);
    expect(validateAccompaniment(accompaniment({ anonymous: { ...stats, residenceInsee: '34301', qpv: true } }))).toEqual([]);
  });

  it('keeps an unknown procedure code from an older catalogue, but not a malformed one', () => {
    expect(validateAccompaniment(accompaniment({ procedures: [{ code: 'nouvelle_demarche_2027', domain: 'papiers', partner: 'autre' }] }))).toEqual([]);
    expect(paths(validateAccompaniment(accompaniment({ procedures: [{ code: 'Bad Code', domain: 'papiers', partner: 'nope' as never }] })))).toEqual([
      'procedures.0.code',
      'procedures.0.partner',
    ]);
  });

  it('reports missing fields and wrong types instead of throwing', () => {
    const { note: _note, ...withoutNote } = accompaniment();
    expect(validateAccompaniment(withoutNote)).toEqual([{ path: 'note', message: 'Champ manquant.' }]);
    expect(validateAccompaniment('nope')).toEqual([{ path: 'data', message: 'Accompagnement attendu.' }]);
    expect(paths(validateAccompaniment(accompaniment({ date: '2026-02-30' })))).toEqual(['date']);
  });
});

describe('permanence validation', () => {
  it('requires an end time once closed, after the start', () => {
    expect(validatePermanence(permanence())).toEqual([]);
    expect(paths(validatePermanence(permanence({ status: 'closed' })))).toEqual(['endTime']);
    expect(validatePermanence(permanence({ status: 'closed', endTime: '08:00' }))[0].message).toBe('L’heure de fin doit suivre l’heure de début.');
    expect(validatePermanence(permanence({ status: 'closed', endTime: '12:15' }))).toEqual([]);
  });

  it('dispatches by entity', () => {
    expect(paths(validateRecordData('permanence', permanence({ startTime: '9h' })))).toEqual(['startTime']);
    expect(paths(validateRecordData('beneficiary', {}))).toContain('consentedOn');
  });
});

const BENEFICIARY = {
  firstName: 'Leïla',
  lastName: 'M.',
  birthYear: 1987,
  residenceInsee: '34301',
  phone: null,
  noPhone: true,
  gender: 'female',
  socialStatus: 'job_seeker',
  public: 'insertion_employee',
  qpv: true,
  consentedOn: '2026-10-01',
  note: null,
};
const MANDATE = {
  beneficiaryId: '0b6f3d1e-4a7c-4d7e-9f0a-1c2b3d4e5f60',
  signedOn: '2026-10-01',
  durationDays: 365,
  expiresOn: '2027-10-01',
  domains: ['social', 'famille'],
  actions: 'Compte Ameli, CSS',
  paperLocation: 'Classeur agence',
  revokedOn: null,
};

describe('beneficiary, mandate and follow-up validation (records scripts may push)', () => {
  it('accepts a followed person with consent, and names each bad field', () => {
    expect(validateBeneficiary(BENEFICIARY)).toEqual([]);
    const bad = validateBeneficiary({
      ...BENEFICIARY,
      firstName: ' ',
      birthYear: 87,
      phone: '06 12 34 56 78',
      consentedOn: null,
      public: 'vip',
      qpv: true,
      residenceInsee: '34157',
    });
    expect(paths(bad)).toEqual(['firstName', 'birthYear', 'phone', 'public', 'qpv', 'consentedOn']);
    expect(bad.find((e) => e.path === 'consentedOn')?.message).toMatch(/consentement/);
  });

  it('checks a mandate’s dates and domains', () => {
    expect(validateMandate(MANDATE)).toEqual([]);
    expect(paths(validateMandate({ ...MANDATE, expiresOn: '2026-09-30', domains: ['numerique'], durationDays: 0, revokedOn: '2026-01-01' }))).toEqual([
      'durationDays',
      'domains',
      'expiresOn',
      'revokedOn',
    ]);
  });

  it('needs a description for a follow-up, with optional links', () => {
    expect(
      validateFollowup({
        beneficiaryId: null,
        label: 'Rappeler la CAF',
        communeInsee: '34157',
        relayId: null,
        dueOn: '2026-12-01',
        doneOn: null,
        accompanimentId: null,
      }),
    ).toEqual([]);
    expect(
      paths(
        validateFollowup({ beneficiaryId: 'x', label: '', communeInsee: '75056', relayId: null, dueOn: '2026-02-30', doneOn: null, accompanimentId: null }),
      ),
    ).toEqual(['beneficiaryId', 'label', 'communeInsee', 'dueOn']);
  });
});

describe('allow-list and plausible dates (shared with the tablet)', () => {
  it('accepts what the app produces and names unknown keys at every level', () => {
    expect(validateRecordData('accompaniment', accompaniment())).toEqual([]);
    expect(validateRecordData('permanence', permanence())).toEqual([]);
    const a = accompaniment();
    const data = { ...a, extra: 1, anonymous: { ...a.anonymous, health: 'x' }, procedures: [{ ...a.procedures[0], password: 'x' }] };
    expect(paths(validateRecordData('accompaniment', data)).sort()).toEqual(['anonymous.health', 'extra', 'procedures.0.password']);
  });

  it('refuses dates outside 2000-01-01 … today + 2 years with a French message', () => {
    const errors = validateRecordData('accompaniment', accompaniment({ date: '1999-12-31' }));
    expect(errors).toEqual([{ path: 'date', message: expect.stringMatching(/^Date hors de la plage acceptée : du 01\/01\/2000 au \d\d\/\d\d\/\d{4}\.$/) }]);
    expect(validateRecordData('accompaniment', accompaniment({ date: '2000-01-01' }))).toEqual([]);
  });
});

describe('unknown keys in a referral', () => {
  it('are named up to a cap, like every other object: a huge record never yields a huge answer', () => {
    const referral: Record<string, unknown> = { target: 'aide_sociale', note: null };
    for (let i = 0; i < 5000; i++) referral[`k${i}`] = 1;
    const errors = validateAccompaniment(accompaniment({ outcome: 'orientee', referral: referral as never }));
    expect(errors.length).toBeLessThanOrEqual(UNKNOWN_FIELDS_LISTED + 1);
    expect(errors[0].path).toBe('referral.k0');
  });
});
