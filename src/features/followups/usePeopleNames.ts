/** The names of the people some records name (« Prénom N. »), read live, for lists that mix people. */
import { useLiveQuery } from 'dexie-react-hooks';
import { resolvePerson } from '../../db/people';

export function usePeopleNames(records: readonly { data: { beneficiaryId: string | null } }[]): Map<string, string> | undefined {
  const ids = [...new Set(records.map((r) => r.data.beneficiaryId).filter((id): id is string => id !== null))].sort();
  const key = ids.join(',');
  return useLiveQuery(async () => {
    const out = new Map<string, string>();
    for (const id of ids) {
      const p = await resolvePerson(id);
      if (p) out.set(id, `${p.data.firstName} ${p.data.lastName}`.trim());
    }
    return out;
  }, [key]);
}
