/** Reference data (relays, procedure catalogue) as lookup maps, read live from the database. */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import type { LocalRecord } from '../../db/database';
import { allRelays, catalogue } from '../../db/queries';

export function useRelays(): Map<string, LocalRecord<'relay'>> | undefined {
  const rows = useLiveQuery(allRelays);
  return useMemo(() => rows && new Map(rows.map((r) => [r.id, r])), [rows]);
}

export function useCatalogue(): LocalRecord<'procedure'>[] | undefined {
  return useLiveQuery(catalogue);
}

/** The label of a procedure code, from the catalogue (the code itself if unknown here). */
export function useProcedureLabels(): (code: string) => string {
  const rows = useCatalogue();
  const byCode = useMemo(() => new Map((rows ?? []).map((p) => [p.data.code, p.data.label])), [rows]);
  return (code) => byCode.get(code) ?? code;
}
