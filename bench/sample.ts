// Valid accompaniments for the benchmarks, varied enough (communes, durations) to be realistic.
import type { AccompanimentData } from '../src/domain/records';
import { accompaniment } from '../tests/unit/fixtures';

export function sampleAccompaniment(i: number, date = '2026-11-24'): AccompanimentData {
  return accompaniment({
    permanenceId: null,
    placeType: 'agency',
    date,
    communeInsee: ['34157', '34150', '34108', '34301'][i % 4],
    durationMinutes: [15, 30, 45, 60, 90][i % 5],
    equipment: ['tablet'],
  });
}
