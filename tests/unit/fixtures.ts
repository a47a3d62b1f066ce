// Builders of valid records for tests.
import type { AccompanimentData, PermanenceData } from '../../src/domain/records';
import { newAnonymousStats } from '../../src/domain/records';

export const PERMANENCE_ID = '0b6f3d1e-4a7c-4d7e-9f0a-1c2b3d4e5f60';
export const RELAY_MEZE = '00000000-0000-4000-8000-000000000101';

export function accompaniment(overrides: Partial<AccompanimentData> = {}): AccompanimentData {
  return {
    permanenceId: PERMANENCE_ID,
    date: '2026-11-24',
    communeInsee: '34157',
    placeType: 'relay',
    durationMinutes: 30,
    beneficiaryId: null,
    anonymous: newAnonymousStats(),
    procedures: [{ code: 'ameli_compte', domain: 'social', partner: 'cpam' }],
    posture: 'fait_avec',
    mandateId: null,
    outcome: 'finalisee',
    referral: null,
    equipment: [],
    note: null,
    ...overrides,
  };
}

export function permanence(overrides: Partial<PermanenceData> = {}): PermanenceData {
  return {
    relayId: RELAY_MEZE,
    communeInsee: '34157',
    date: '2026-11-24',
    startTime: '09:00',
    endTime: null,
    status: 'open',
    note: null,
    ...overrides,
  };
}
