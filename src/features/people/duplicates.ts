/** Possible duplicates (domain.md §2) among the people held here, read live, with words for why. */
import { useLiveQuery } from 'dexie-react-hooks';
import type { LocalRecord } from '../../db/database';
import { allPeople } from '../../db/people';
import { possibleDuplicates, type DuplicateCriterion } from '../../domain/people';

const CRITERION_WORDS: Record<DuplicateCriterion, string> = {
  lastName: 'même nom',
  firstName: 'même prénom',
  phone: 'même téléphone',
  birthYear: 'même année de naissance',
};

export const whyDuplicate = (matches: readonly DuplicateCriterion[]) => matches.map((m) => CRITERION_WORDS[m]).join(', ');

export interface DuplicatePair {
  a: LocalRecord<'beneficiary'>;
  b: LocalRecord<'beneficiary'>;
  why: string;
}

/** All pairs, or only those involving `personId`. */
export function useDuplicates(personId?: string): DuplicatePair[] | undefined {
  return useLiveQuery(async () => {
    const people = (await allPeople()).filter((p) => !p.mergedInto);
    const byId = new Map(people.map((p) => [p.id, p]));
    return possibleDuplicates(people)
      .filter((d) => !personId || d.a === personId || d.b === personId)
      .map((d) => ({ a: byId.get(d.a)!, b: byId.get(d.b)!, why: whyDuplicate(d.matches) }));
  }, [personId]);
}
