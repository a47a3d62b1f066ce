// Valid accompaniments for the benchmarks, varied enough (communes, durations) to be realistic.
import { newAnonymousStats, type AccompanimentData } from '../src/domain/records';

export function sampleAccompaniment(i: number, date = '2026-11-24'): AccompanimentData {
  return {
    permanenceId: null,
    date,
    communeInsee: ['34157', '34150', '34108', '34301'][i % 4],
    placeType: 'agency',
    durationMinutes: [15, 30, 45, 60, 90][i % 5],
    beneficiaryId: null,
    anonymous: newAnonymousStats(),
    procedures: [{ code: 'ameli_compte', domain: 'social', partner: 'cpam' }],
    posture: 'fait_avec',
    mandateId: null,
    outcome: 'finalisee',
    referral: null,
    equipment: ['tablet'],
    note: null,
  };
}
