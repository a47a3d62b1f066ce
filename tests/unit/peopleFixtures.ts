// Builders of valid people, mandates and follow-ups for tests, and a pulled change of any entity.
import type { BeneficiaryData, FollowupData, MandateData } from '../../src/domain/records';
import type { ChangeRecord } from '../../src/domain/sync';

export function beneficiary(overrides: Partial<BeneficiaryData> = {}): BeneficiaryData {
  return {
    firstName: 'Marie',
    lastName: 'Dupont',
    birthYear: 1960,
    residenceInsee: '34157',
    phone: null,
    noPhone: true,
    gender: 'female',
    socialStatus: 'retired',
    public: 'other',
    qpv: false,
    consentedOn: '2026-11-02',
    note: null,
    ...overrides,
  };
}

export function mandate(beneficiaryId: string, overrides: Partial<MandateData> = {}): MandateData {
  return {
    beneficiaryId,
    signedOn: '2026-01-10',
    durationDays: 365,
    expiresOn: '2027-01-10',
    domains: ['social'],
    actions: 'Mise à jour du compte ameli',
    paperLocation: 'Classeur du relais de Mèze',
    revokedOn: null,
    ...overrides,
  };
}

export function followup(overrides: Partial<FollowupData> = {}): FollowupData {
  return {
    beneficiaryId: null,
    label: 'Vérifier la réponse de la CAF',
    communeInsee: '34157',
    relayId: null,
    dueOn: '2026-12-01',
    doneOn: null,
    accompanimentId: null,
    ...overrides,
  };
}

/** A change as the pull brings it; `extra` holds extension fields (e.g. `mergedInto`). */
export function pulled(entity: string, id: string, version: number, data: object, extra: Record<string, unknown> = {}): ChangeRecord {
  return { entity, id, version, deleted: false, data, ...extra } as unknown as ChangeRecord;
}

export function pulledTombstone(entity: string, id: string, version: number, extra: Record<string, unknown> = {}): ChangeRecord {
  return { entity, id, version, deleted: true, data: {}, ...extra } as unknown as ChangeRecord;
}
