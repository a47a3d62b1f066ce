// Builders of valid followed people, mandates and follow-ups for server tests (api.md Records).
import type { BeneficiaryData, FollowupData, MandateData } from '../../src/domain/records';
import { expiresOnFor } from '../../src/domain/mandates';

export function person(over: Partial<BeneficiaryData> = {}): BeneficiaryData {
  return {
    firstName: 'Leïla',
    lastName: 'Martin',
    birthYear: 1987,
    residenceInsee: '34301',
    phone: null,
    noPhone: true,
    gender: 'female',
    socialStatus: 'job_seeker',
    public: 'job_seeker',
    qpv: false,
    consentedOn: '2026-01-05',
    note: null,
    ...over,
  };
}

export function mandate(beneficiaryId: string, over: Partial<MandateData> = {}): MandateData {
  const signedOn = over.signedOn ?? '2026-01-05';
  return {
    beneficiaryId,
    signedOn,
    durationDays: 365,
    expiresOn: expiresOnFor(signedOn, over.durationDays ?? 365),
    domains: ['social', 'logement'],
    actions: 'Demandes d’aide au logement et de complémentaire santé',
    paperLocation: 'Classeur du relais',
    revokedOn: null,
    ...over,
  };
}

export function followup(beneficiaryId: string | null, over: Partial<FollowupData> = {}): FollowupData {
  return {
    beneficiaryId,
    label: 'Apporter l’avis d’imposition',
    communeInsee: '34157',
    relayId: null,
    dueOn: '2026-12-01',
    doneOn: null,
    accompanimentId: null,
    ...over,
  };
}
