/**
 * The tablet's records as tally facts (the same facts the server counts), read live, with the
 * followed people's demographics and merges so that a person is counted once, as her survivor.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { db } from '../../db/database';
import { reportRows } from '../../db/listQueries';
import { firstVisitsOf, type AccompanimentFact, type BeneficiaryFact, type PermanenceFact, type TallyOptions } from '../../domain/tally';
import { accompanimentFact, beneficiaryFact, permanenceFact } from '../../domain/tallyFacts';
import { loadEnrolment } from '../../sync/credentials';

export interface ReportFacts {
  accompaniments: AccompanimentFact[];
  permanences: PermanenceFact[];
  ownName: string;
  /** `computeTally` options: people's demographics, merges, first visits over all her records. */
  tally: TallyOptions;
}

export function useReportFacts(): ReportFacts | undefined {
  const rows = useLiveQuery(async () => {
    // As stored: Bilan counts no personal value, so no visit note or name is decrypted.
    const [{ accompaniments: acc, permanences: perms, people }, credentials] = await Promise.all([reportRows(db), loadEnrolment(db)]);
    return { acc, perms, people, ownName: credentials?.name ?? 'Moi' };
  });
  return useMemo(() => {
    if (!rows) return undefined;
    // Records made here and not yet pulled back carry no creator: they are this tablet's user's.
    const who = (createdBy: string | undefined) => createdBy ?? rows.ownName;
    const accompaniments = rows.acc.filter((r) => !r.deleted).map((r) => accompanimentFact(r.id, r.data, who(r.createdBy)));
    const mergedInto = new Map<string, string>();
    const beneficiaries = new Map<string, BeneficiaryFact>();
    for (const p of rows.people) {
      if (p.mergedInto) mergedInto.set(p.id, p.mergedInto);
      else if (!p.deleted) beneficiaries.set(p.id, beneficiaryFact(p.data));
    }
    return {
      accompaniments,
      permanences: rows.perms.filter((r) => !r.deleted).map((r) => permanenceFact(r.id, r.data, who(r.createdBy))),
      ownName: rows.ownName,
      tally: { beneficiaries, mergedInto, firstVisits: firstVisitsOf(accompaniments, mergedInto) },
    };
  }, [rows]);
}
