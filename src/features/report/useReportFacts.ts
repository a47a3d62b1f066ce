/** The tablet's records as tally facts (the same facts the server counts), read live. */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { db } from '../../db/database';
import type { AccompanimentFact, PermanenceFact } from '../../domain/tally';
import { accompanimentFact, permanenceFact } from '../../domain/tallyFacts';
import { loadCredentials } from '../../sync/credentials';

export interface ReportFacts {
  accompaniments: AccompanimentFact[];
  permanences: PermanenceFact[];
  ownName: string;
}

export function useReportFacts(): ReportFacts | undefined {
  const rows = useLiveQuery(async () => {
    const [acc, perms, credentials] = await Promise.all([db.accompaniments.toArray(), db.permanences.toArray(), loadCredentials(db)]);
    return { acc, perms, ownName: credentials?.name ?? 'Moi' };
  });
  return useMemo(() => {
    if (!rows) return undefined;
    // Records made here and not yet pulled back carry no creator: they are this tablet's user's.
    const who = (createdBy: string | undefined) => createdBy ?? rows.ownName;
    return {
      accompaniments: rows.acc.filter((r) => !r.deleted).map((r) => accompanimentFact(r.id, r.data, who(r.createdBy))),
      permanences: rows.perms.filter((r) => !r.deleted).map((r) => permanenceFact(r.id, r.data, who(r.createdBy))),
      ownName: rows.ownName,
    };
  }, [rows]);
}
