/**
 * Engine-neutral shapes the storage returns for tallies and exports: any Repository
 * implementation (SQLite today, PostgreSQL later) answers with these, never with engine types.
 */
import type { Period } from '../../domain/dates';
import type { AccompanimentFact, BeneficiaryFact, PermanenceFact } from '../../domain/tally';

export interface FactsQuery {
  period: Period;
  ownerId?: string;
  /** One fact per accompaniment (exports) instead of weighted groups (tallies). */
  individual?: boolean;
}

export interface FactsAnswer {
  accompaniments: AccompanimentFact[];
  permanences: PermanenceFact[];
  firstVisits: Map<string, string>;
  beneficiaries: Map<string, BeneficiaryFact>;
}
